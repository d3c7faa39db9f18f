package io.keel.mvcc;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.kv.Bytes;
import io.keel.api.watch.Event;
import io.keel.api.watch.Watch;
import io.keel.api.watch.WatchSink;
import io.keel.api.watch.WatchSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Delivers committed changes to watchers (etcd's {@code watchable_store}), each event exactly once
 * and in revision order, without ever making a writer wait for a slow watcher.
 *
 * <p>Every watcher is in one of two sets, both guarded by {@link #lock}:
 * <ul>
 *   <li><b>synced</b>: it has every event up to {@link #notifiedRev}; {@link #committed} (the writer
 *       thread) hands it the next revision's events directly.</li>
 *   <li><b>unsynced</b>: it needs history from its {@code nextRev}; {@link #syncUnsynced} (a
 *       background thread) reads that from the store without holding the lock and moves it to
 *       synced once it has reached {@code notifiedRev}.</li>
 * </ul>
 * A sink that refuses a batch (its stream's buffer is full) turns a synced watcher into an
 * unsynced one at that revision (etcd's victims): memory per stream stays bounded by the sink, and
 * the events are re-read from the store's history later. If that history was compacted meanwhile,
 * the watcher is canceled with the compaction revision; there is never a silent gap.
 */
public final class WatchHub implements CommitListener {
  private static final System.Logger LOG = System.getLogger(WatchHub.class.getName());
  /** Events read from history per step while catching a watcher up. */
  static final int CATCH_UP_BATCH = 1000;

  private final Object lock = new Object();
  private MvccStore store; // guarded by lock
  private long notifiedRev; // guarded by lock: the last revision passed through committed()
  private final Set<Watcher> synced = new LinkedHashSet<>(); // guarded by lock
  private final Set<Watcher> unsynced = new LinkedHashSet<>(); // guarded by lock

  public WatchHub(MvccStore store) {
    attach(store);
  }

  /**
   * Follows a new store (after a snapshot was installed): every watcher is caught up again from
   * where it was, against the new store's history.
   */
  public void attach(MvccStore newStore) {
    synchronized (lock) {
      for (Watcher w : synced) {
        w.nextRev = Math.max(w.nextRev, notifiedRev + 1);
        unsynced.add(w);
      }
      synced.clear();
      store = newStore;
      notifiedRev = newStore.currentRevision();
      newStore.setCommitListener(this);
    }
  }

  public Watch watch(WatchSpec spec, WatchSink sink) {
    Watcher w = new Watcher(spec, sink);
    synchronized (lock) {
      long start = spec.startRevision() <= 0 ? notifiedRev + 1 : spec.startRevision();
      w.nextRev = start;
      if (start > notifiedRev) {
        synced.add(w);
      } else {
        unsynced.add(w);
      }
    }
    return w;
  }

  /** Number of watchers, synced or not (etcd_debugging_mvcc_watcher_total). */
  public int watcherCount() {
    synchronized (lock) {
      return synced.size() + unsynced.size();
    }
  }

  /** Number of watchers that are behind, for tests and metrics. */
  public int unsyncedCount() {
    synchronized (lock) {
      return unsynced.size();
    }
  }

  /**
   * Offers the revision's events to every synced watcher, on the applying thread. A sink may cancel
   * its own or any watcher, or start new ones, while it is offered events (the loop runs over a
   * copy); a sink that throws is canceled and the write goes on: a watcher's failure never fails
   * the store.
   */
  @Override
  public void committed(long revision, List<Event> events) {
    synchronized (lock) {
      notifiedRev = revision;
      if (synced.isEmpty()) {
        return;
      }
      List<Watcher> victims = null;
      for (Watcher w : synced.toArray(new Watcher[0])) {
        if (w.canceled || revision < w.nextRev) {
          continue; // canceled meanwhile, or started in the future
        }
        List<Event> mine = w.select(events);
        if (mine.isEmpty()) {
          continue;
        }
        boolean taken;
        try {
          taken = w.sink.offer(revision, mine);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.ERROR, "watch sink failed; its watcher is canceled", e);
          w.cancel();
          continue;
        }
        if (!taken && !w.canceled) {
          if (victims == null) {
            victims = new ArrayList<>();
          }
          victims.add(w);
          w.nextRev = revision;
        }
      }
      if (victims != null) {
        for (Watcher w : victims) {
          synced.remove(w);
          unsynced.add(w);
        }
      }
    }
  }

  /**
   * Moves unsynced watchers forward from the store's history; call it periodically from one
   * background thread. Never holds the lock while reading history or offering events.
   */
  public void syncUnsynced() {
    List<Watcher> todo;
    long upTo;
    MvccStore s;
    synchronized (lock) {
      if (unsynced.isEmpty()) {
        return;
      }
      todo = new ArrayList<>(unsynced);
      upTo = notifiedRev;
      s = store;
    }
    for (Watcher w : todo) {
      if (!catchUp(w, s, upTo)) {
        continue;
      }
      synchronized (lock) {
        if (s == store && w.nextRev > notifiedRev && unsynced.remove(w)) {
          synced.add(w);
        }
      }
    }
  }

  /** Offers {@code w} its history up to {@code upTo}; false if it must wait (refused or canceled). */
  private boolean catchUp(Watcher w, MvccStore s, long upTo) {
    while (w.nextRev <= upTo) {
      if (w.canceled) {
        return false;
      }
      List<RevisionEvents> batch;
      try {
        batch = s.history(w.spec.key(), w.spec.rangeEnd(), w.nextRev, upTo, CATCH_UP_BATCH);
      } catch (EtcdException e) {
        if (e.error() != EtcdError.COMPACTED) {
          throw e;
        }
        remove(w);
        w.sink.compacted(s.compactRevision());
        return false;
      }
      int delivered = 0;
      for (RevisionEvents re : batch) {
        List<Event> mine = w.select(re.events());
        if (!mine.isEmpty() && !w.sink.offer(re.revision(), mine)) {
          return false;
        }
        w.nextRev = re.revision() + 1;
        delivered += re.events().size();
      }
      if (delivered < CATCH_UP_BATCH) {
        w.nextRev = upTo + 1; // the batch held everything up to upTo
      }
    }
    return true;
  }

  private void remove(Watcher w) {
    synchronized (lock) {
      synced.remove(w);
      unsynced.remove(w);
    }
  }

  /** One watcher: its spec, its sink, and the next revision it needs (when not synced). */
  private final class Watcher implements Watch {
    final WatchSpec spec;
    final WatchSink sink;
    final boolean singleKey;
    final boolean fromKey;
    volatile long nextRev;
    volatile boolean canceled;

    Watcher(WatchSpec spec, WatchSink sink) {
      this.spec = spec;
      this.sink = sink;
      this.singleKey = spec.rangeEnd().length == 0;
      this.fromKey = spec.rangeEnd().length == 1 && spec.rangeEnd()[0] == 0;
    }

    boolean matches(byte[] key) {
      int c = Bytes.compare(key, spec.key());
      if (singleKey) {
        return c == 0;
      }
      return c >= 0 && (fromKey || Bytes.compare(key, spec.rangeEnd()) < 0);
    }

    List<Event> select(List<Event> events) {
      List<Event> out = null;
      for (Event e : events) {
        if (!matches(e.kv().key())
            || (e.type() == Event.Type.PUT && spec.noPut())
            || (e.type() == Event.Type.DELETE && spec.noDelete())) {
          continue;
        }
        if (out == null) {
          out = new ArrayList<>(events.size());
        }
        out.add(spec.prevKv() || e.prevKv() == null ? e : new Event(e.type(), e.kv(), null));
      }
      return out == null ? List.of() : out;
    }

    @Override
    public void cancel() {
      canceled = true;
      remove(this);
    }

    @Override
    public boolean isSynced() {
      synchronized (lock) {
        return synced.contains(this);
      }
    }
  }
}
