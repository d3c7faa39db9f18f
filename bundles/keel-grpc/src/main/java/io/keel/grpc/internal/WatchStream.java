package io.keel.grpc.internal;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.keel.api.Watchable;
import io.keel.api.kv.Bytes;
import io.keel.api.watch.Watch;
import io.keel.api.watch.WatchSink;
import io.keel.api.watch.WatchSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Watch RPC stream: many watchers multiplexed by watch ID (etcd's {@code serverWatchStream}).
 *
 * <p>Outbound responses wait in one queue drained only while gRPC's transport is ready (flow
 * control). Event responses are accepted only while the queue holds less than {@link
 * #MAX_QUEUED_BYTES}; beyond that the stream's sinks refuse, and the watch hub catches those
 * watchers up from history later. So a slow reader costs at most that much memory, and writers
 * never wait for it. Control responses (created, canceled, progress) are always queued. All
 * state is guarded by {@code this}.
 */
final class WatchStream implements StreamObserver<WatchRequest> {
  static final long MAX_QUEUED_BYTES = 8L * 1024 * 1024;
  static final String EMPTY_RANGE = "mvcc: watcher range is empty";
  static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";

  private final Watchable server;
  private final ServerCallStreamObserver<WatchResponse> out;
  private final int maxRequestBytes;
  private final Runnable onClose;
  private final ArrayDeque<WatchResponse> queue = new ArrayDeque<>();
  private final Map<Long, Entry> watchers = new LinkedHashMap<>();
  private long queuedBytes;
  private long nextId;
  private boolean closed;
  private boolean progressPending;
  private final io.keel.api.Auth auth;

  WatchStream(Watchable server, ServerCallStreamObserver<WatchResponse> out, int maxRequestBytes, Runnable onClose) {
    this(server, null, out, maxRequestBytes, onClose);
  }

  /** @param auth checks a watch's range when it is created (etcd's isWatchPermitted); null: no auth */
  WatchStream(Watchable server, io.keel.api.Auth auth, ServerCallStreamObserver<WatchResponse> out,
      int maxRequestBytes, Runnable onClose) {
    this.server = server;
    this.auth = auth;
    this.out = out;
    this.maxRequestBytes = maxRequestBytes;
    this.onClose = onClose;
    out.setOnReadyHandler(this::drain);
    out.setOnCancelHandler(this::close);
  }

  @Override
  public void onNext(WatchRequest request) {
    switch (request.getRequestUnionCase()) {
      case CREATE_REQUEST -> create(request.getCreateRequest());
      case CANCEL_REQUEST -> cancel(request.getCancelRequest());
      case PROGRESS_REQUEST -> requestProgress();
      default -> { } // etcd ignores an empty request
    }
  }

  @Override
  public void onError(Throwable t) {
    close();
  }

  /**
   * A client's half-close ends nothing: like etcd, the stream keeps delivering events until the
   * client goes away (the cancel handler) or the server stops. The JSON gateway relies on this.
   */
  @Override
  public void onCompleted() {
  }

  /**
   * etcd's isWatchPermitted: null if the caller may read the watched range (the empty key already
   * made {@code \0}, as etcd does first), else the cancel reason: a bad token, an old auth revision,
   * no user, or a denied permission, as the text of the gRPC error etcd 3.4 puts there, e.g.
   * "rpc error: code = PermissionDenied desc = etcdserver: permission denied".
   *
   * <p>A from-key watch ({@code range_end} \0) is checked as the range from the key on, where etcd
   * 3.4 checks only the key itself (it rewrites the \0 to an empty range end before the check), so
   * a user who may read one key could watch every key after it there (docs/COMPATIBILITY.md).
   */
  private String permission(byte[] key, byte[] rangeEnd) {
    if (auth == null) {
      return null;
    }
    try {
      auth.checkRange(AuthContext.who(), key, rangeEnd);
      return null;
    } catch (io.keel.api.EtcdException e) {
      io.keel.api.EtcdError error = switch (e.error()) {
        case INVALID_AUTH_TOKEN, AUTH_OLD_REVISION, USER_EMPTY -> e.error();
        default -> io.keel.api.EtcdError.PERMISSION_DENIED_ERR;
      };
      return goStatusText(error);
    }
  }

  /** What Go's {@code status.Error(code, message).Error()} prints for {@code error}. */
  static String goStatusText(io.keel.api.EtcdError error) {
    return "rpc error: code = " + GrpcMetrics.goName(GrpcErrors.code(error.code())) + " desc = " + error.message();
  }

  private void create(WatchCreateRequest c) {
    byte[] key = c.getKey().isEmpty() ? new byte[] {0} : c.getKey().toByteArray(); // \0 is the smallest key
    byte[] end = c.getRangeEnd().toByteArray();
    boolean noPut = false;
    boolean noDelete = false;
    for (int f : c.getFiltersValueList()) {
      noPut |= f == WatchCreateRequest.FilterType.NOPUT_VALUE;
      noDelete |= f == WatchCreateRequest.FilterType.NODELETE_VALUE;
    }
    Entry entry;
    long start;
    synchronized (this) {
      if (closed) {
        return;
      }
      long id = c.getWatchId();
      String error = null;
      boolean fromKey = end.length == 1 && end[0] == 0;
      if (end.length > 0 && !fromKey && Bytes.compare(key, end) >= 0) {
        error = EMPTY_RANGE;
      } else if (id != 0 && watchers.containsKey(id)) {
        error = DUPLICATE_ID;
      } else {
        error = permission(key, end);
      }
      if (error != null) {
        enqueue(response(server.currentRevision()).setWatchId(-1).setCreated(true).setCanceled(true)
            .setCancelReason(error).build());
        return;
      }
      if (id == 0) {
        while (watchers.containsKey(nextId)) {
          nextId++;
        }
        id = nextId++;
      }
      entry = new Entry(id, c.getFragment(), c.getProgressNotify());
      watchers.put(id, entry);
      // "from now" is from just after the revision the created answer reports, not from whenever
      // the hub registers the watch below: a write applied in between is then caught up from
      // history instead of missed (etcd registers first and answers with the revision after)
      long created = server.currentRevision();
      start = c.getStartRevision() > 0 ? c.getStartRevision() : created + 1;
      enqueue(response(created).setWatchId(id).setCreated(true).build());
    }
    Watch watch = server.watch(new WatchSpec(key, end, start, c.getPrevKv(), noPut, noDelete), entry);
    synchronized (this) {
      entry.watch = watch;
      if (entry.canceled) {
        watch.cancel();
      }
    }
  }

  private void cancel(WatchCancelRequest c) {
    Entry entry;
    synchronized (this) {
      entry = watchers.remove(c.getWatchId());
      if (entry == null) {
        return; // etcd answers nothing for an unknown watch ID
      }
      entry.canceled = true;
      enqueue(response(server.currentRevision()).setWatchId(entry.id).setCanceled(true).build());
      if (entry.watch == null) {
        return; // create() cancels it once registered
      }
    }
    entry.watch.cancel();
  }

  /** Answers a progress request once every watcher on the stream is synced (watch ID -1). */
  private void requestProgress() {
    synchronized (this) {
      progressPending = true;
    }
    tick(false);
  }

  /**
   * Periodic work: a pending progress request, and (when {@code notify}) progress notifications
   * to idle, synced watchers that asked for them.
   */
  void tick(boolean notify) {
    List<Entry> entries;
    synchronized (this) {
      if (closed) {
        return;
      }
      entries = new ArrayList<>(watchers.values());
    }
    boolean allSynced = true;
    for (Entry e : entries) {
      allSynced &= e.watch != null && e.watch.isSynced();
    }
    synchronized (this) {
      long rev = server.currentRevision();
      if (progressPending && allSynced) {
        progressPending = false;
        enqueue(response(rev).setWatchId(-1).build());
      }
      if (notify) {
        for (Entry e : entries) {
          if (e.progressNotify && !e.sentSinceTick && !e.canceled && e.watch != null && e.watch.isSynced()) {
            enqueue(response(rev).setWatchId(e.id).build());
          }
          e.sentSinceTick = false;
        }
      }
    }
  }

  private WatchResponse.Builder response(long revision) {
    return WatchResponse.newBuilder().setHeader(ProtoKv.header(server.header(revision)));
  }

  /** Responses waiting for the client to read (flow control), for the watch queue metrics. */
  synchronized int queuedResponses() {
    return queue.size();
  }

  synchronized long queuedBytes() {
    return queuedBytes;
  }

  private void enqueue(WatchResponse r) {
    queue.add(r);
    queuedBytes += r.getSerializedSize();
    drain();
  }

  private synchronized void drain() {
    while (!closed && !queue.isEmpty() && out.isReady()) {
      WatchResponse r = queue.poll();
      queuedBytes -= r.getSerializedSize();
      out.onNext(r);
    }
  }

  private void close() {
    List<Entry> entries;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      entries = new ArrayList<>(watchers.values());
      watchers.clear();
      queue.clear();
      queuedBytes = 0;
    }
    for (Entry e : entries) {
      e.canceled = true;
      if (e.watch != null) {
        e.watch.cancel();
      }
    }
    onClose.run();
  }

  /** One watcher of this stream, and the sink its events arrive at. */
  private final class Entry implements WatchSink {
    final long id;
    final boolean fragment;
    final boolean progressNotify;
    Watch watch; // guarded by WatchStream.this
    volatile boolean canceled;
    boolean sentSinceTick; // guarded by WatchStream.this

    Entry(long id, boolean fragment, boolean progressNotify) {
      this.id = id;
      this.fragment = fragment;
      this.progressNotify = progressNotify;
    }

    @Override
    public boolean offer(long revision, List<io.keel.api.watch.Event> events) {
      synchronized (WatchStream.this) {
        if (closed || canceled) {
          return true; // nobody wants these any more
        }
        if (queuedBytes >= MAX_QUEUED_BYTES) {
          return false;
        }
        List<Event> protos = new ArrayList<>(events.size());
        for (io.keel.api.watch.Event e : events) {
          protos.add(event(e));
        }
        long headerRevision = eventsHeaderRevision(revision);
        WatchResponse whole = response(headerRevision).setWatchId(id).addAllEvents(protos).build();
        if (!fragment || whole.getSerializedSize() < maxRequestBytes || protos.size() < 2) {
          enqueue(whole);
        } else {
          fragments(headerRevision, protos);
        }
        sentSinceTick = true;
        return true;
      }
    }

    /**
     * The header revision of an events response, as etcd 3.4's watchable_store sets it: a live
     * notification ({@code notify}) carries the revision of its write, which is the store's current
     * revision while the writer delivers it; a catch-up from history ({@code syncWatchers}) carries
     * the store's current revision, not the (older) revision of its events.
     */
    private long eventsHeaderRevision(long revision) {
      return Math.max(revision, server.currentRevision());
    }

    /** etcd's sendFragments: responses under max-request-bytes, all but the last marked fragment. */
    private void fragments(long revision, List<Event> protos) {
      int i = 0;
      while (i < protos.size()) {
        WatchResponse.Builder cur = response(revision).setWatchId(id).setFragment(true);
        long size = cur.build().getSerializedSize();
        int start = i;
        while (i < protos.size()) {
          long eventSize = protos.get(i).getSerializedSize() + 5L;
          if (i > start && size + eventSize >= maxRequestBytes) {
            break;
          }
          cur.addEvents(protos.get(i));
          size += eventSize;
          i++;
        }
        if (i == protos.size()) {
          cur.setFragment(false);
        }
        enqueue(cur.build());
      }
    }

    @Override
    public void compacted(long compactRevision) {
      synchronized (WatchStream.this) {
        if (closed || watchers.remove(id) == null) {
          return;
        }
        canceled = true;
        // etcd 3.4 sets no cancel_reason here: clients read compact_revision (etcdctl prints the error).
        // Its header has no revision either: watcher_group.chooseAll sends a WatchResponse with only
        // the compact revision, and sendLoop copies its Revision (0) into the header.
        enqueue(response(0).setWatchId(id).setCanceled(true).setCompactRevision(compactRevision).build());
      }
    }
  }

  static Event event(io.keel.api.watch.Event e) {
    Event.Builder b = Event.newBuilder()
        .setType(e.type() == io.keel.api.watch.Event.Type.PUT ? Event.EventType.PUT : Event.EventType.DELETE)
        .setKv(ProtoKv.kv(e.kv()));
    if (e.prevKv() != null) {
      b.setPrevKv(ProtoKv.kv(e.prevKv()));
    }
    return b.build();
  }
}
