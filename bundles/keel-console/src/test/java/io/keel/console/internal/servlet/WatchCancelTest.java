package io.keel.console.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.ResponseHeader;
import io.keel.api.Watchable;
import io.keel.api.watch.Watch;
import io.keel.api.watch.WatchSink;
import io.keel.api.watch.WatchSpec;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A browser that goes away (closes its connection) gets its watch canceled: nothing keeps watching for nobody. */
class WatchCancelTest {

  /** Records the one watch the console opens and whether it was canceled. */
  static final class RecordingWatchable implements Watchable {
    final CountDownLatch opened = new CountDownLatch(1);
    final CountDownLatch canceled = new CountDownLatch(1);
    volatile WatchSpec spec;

    @Override
    public Watch watch(WatchSpec spec, WatchSink sink) {
      this.spec = spec;
      opened.countDown();
      return new Watch() {
        @Override
        public void cancel() {
          canceled.countDown();
        }

        @Override
        public boolean isSynced() {
          return true;
        }
      };
    }

    @Override
    public ResponseHeader header(long revision) {
      return new ResponseHeader(1, 1, revision, 1);
    }

    @Override
    public long currentRevision() {
      return 41;
    }
  }

  @Test
  void closingTheConnectionCancelsTheWatch() throws Exception {
    RecordingWatchable watchable = new RecordingWatchable();
    try (OneMemberConsole console = OneMemberConsole.start(watchable)) {
      try (Socket s = new Socket("127.0.0.1", console.port)) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("GET /ui/api/watch?k=L2Fw HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().contains("event: ready")) {
          int c = in.read();
          assertTrue(c >= 0, "stream ended: " + head);
          head.append((char) c);
        }
        assertTrue(watchable.opened.await(5, TimeUnit.SECONDS));
        assertEquals("/ap", new String(watchable.spec.key(), StandardCharsets.UTF_8));
        assertEquals("/aq", new String(watchable.spec.rangeEnd(), StandardCharsets.UTF_8));
        assertEquals(42, watchable.spec.startRevision());
        assertEquals(1, watchable.canceled.getCount(), "still open while the browser listens");
      }
      // the next keepalive (every 200 ms here) finds the connection gone
      assertTrue(watchable.canceled.await(10, TimeUnit.SECONDS), "the watch was not canceled after the browser left");
    }
  }
}
