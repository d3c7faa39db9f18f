package io.keel.console.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keel.api.Watchable;
import io.keel.api.watch.Event;
import io.keel.api.watch.Watch;
import io.keel.api.watch.WatchSink;
import io.keel.api.watch.WatchSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One browser's watch: a real keel-api watch whose events wait in a queue until the page's
 * connection takes them. The hub's threads only enqueue (never block); past {@link #MAX_QUEUED}
 * waiting events the sink refuses a batch and the hub offers it again later from its history, so a
 * slow browser loses nothing and holds nothing up. Closing cancels the watch; the servlet closes it
 * when the connection ends (the browser went away or stopped the watch).
 */
public final class WatchFeed implements AutoCloseable {
  static final int MAX_QUEUED = 10_000;
  /** Holds Events and, once, a Long: the compaction revision that canceled the watch. */
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Watch watch;
  private final long startRevision;

  private WatchFeed(Watchable watchable, WatchSpec spec, long startRevision) {
    this.startRevision = startRevision;
    this.watch = watchable.watch(spec, new WatchSink() {
      @Override
      public boolean offer(long revision, List<Event> events) {
        if (queued.get() + events.size() > MAX_QUEUED && queued.get() > 0) {
          return false;
        }
        queued.addAndGet(events.size());
        queue.addAll(events);
        return true;
      }

      @Override
      public void compacted(long compactRevision) {
        queue.add(compactRevision);
      }
    });
  }

  /** Watches [key, rangeEnd) from the revision after {@code currentRevision}. */
  static WatchFeed open(Watchable watchable, byte[] key, byte[] rangeEnd, long currentRevision) {
    long start = currentRevision + 1;
    return new WatchFeed(watchable, new WatchSpec(key, rangeEnd, start, false, false, false), start);
  }

  public long startRevision() {
    return startRevision;
  }

  /** The next event as the page shows it, or null if none came within {@code wait}. */
  public ObjectNode poll(Duration wait) throws InterruptedException {
    Object next = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    if (next == null) {
      return null;
    }
    if (next instanceof Long compacted) {
      return Json.object().put("type", "COMPACTED").put("revision", compacted);
    }
    queued.decrementAndGet();
    Event e = (Event) next;
    ObjectNode n = Json.object();
    n.put("type", e.type().name());
    n.put("revision", e.kv().modRevision());
    n.put("key", Json.display(e.kv().key()));
    n.put("k", Json.b64(e.kv().key()));
    if (e.type() == Event.Type.PUT) {
      n.put("version", e.kv().version());
      ValuePreview.write(e.kv().value(), Json.MAPPER, n.putObject("value"));
    }
    return n;
  }

  @Override
  public void close() {
    watch.cancel();
  }
}
