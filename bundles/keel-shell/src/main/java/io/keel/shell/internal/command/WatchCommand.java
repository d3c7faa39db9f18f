package io.keel.shell.internal.command;

import io.keel.api.Watchable;
import io.keel.api.watch.Event;
import io.keel.api.watch.Watch;
import io.keel.api.watch.WatchSink;
import io.keel.api.watch.WatchSpec;
import io.keel.shell.internal.Formats;
import io.keel.shell.internal.KeyRange;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/**
 * etcdctl watch: prints each event (type, key, value) as it is applied, until Ctrl-C (or, with
 * {@code --count}, after that many events). The watch hub calls the sink on its own threads; the
 * command's thread prints, so a slow terminal never holds the hub up (the queue is unbounded, the
 * hub's offer never blocks).
 *
 * <p>It prints to the session's console and flushes each event, as Karaf's log:tail does: through
 * System.out an ssh exec session ({@code bin/keel shell 'keel:watch ...'}) saw nothing until the
 * command ended. Ctrl-C in the interactive console interrupts this thread. A one-command session
 * cannot be interrupted (Karaf's ssh server does nothing when the client goes away, and its client
 * ignores SIGINT while it runs a command; bin/keel ends the client on Ctrl-C): so while no event
 * comes, the console is checked every {@value #CLIENT_CHECK_MS} ms, and once its channel is closed
 * the watch is canceled and the command ends, instead of running on the server for ever.
 */
@Command(scope = "keel", name = "watch", description = "Prints the events on a key or range as they happen, until Ctrl-C")
@Service
public class WatchCommand implements Action {
  static final long CLIENT_CHECK_MS = 500;

  @Reference
  Watchable watchable;

  @Reference
  Session session;

  @Argument(index = 0, name = "key", required = true, description = "The key, or the prefix with --prefix")
  @Completion(KeyCompleter.class)
  String key;

  @Argument(index = 1, name = "range-end", description = "Watch [key, range-end)")
  String rangeEnd;

  @Option(name = "--prefix", description = "Every key with this prefix")
  boolean prefix;

  @Option(name = "--rev", description = "Start at this revision (0: from now on)")
  long rev;

  @Option(name = "--prev-kv", description = "Also print each key's previous value")
  boolean prevKv;

  @Option(name = "--count", description = "Stop after this many events (0: until Ctrl-C)")
  int count;

  /** Events, or a Long: the compaction revision that canceled the watch. */
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

  @Override
  public Object execute() throws Exception {
    KeyRange range = KeyRange.of(key, rangeEnd, prefix);
    Watch watch = watchable.watch(new WatchSpec(range.key(), range.rangeEnd(), rev, prevKv, false, false), new WatchSink() {
      @Override
      public boolean offer(long revision, List<Event> events) {
        queue.addAll(events);
        return true;
      }

      @Override
      public void compacted(long compactRevision) {
        queue.add(compactRevision);
      }
    });
    PrintStream out = session.getConsole();
    try {
      int seen = 0;
      while (count <= 0 || seen < count) {
        Object next = queue.poll(CLIENT_CHECK_MS, TimeUnit.MILLISECONDS); // Ctrl-C interrupts this thread
        if (next == null) {
          if (out.checkError()) {
            break; // the client is gone: flushing its closed channel failed
          }
          continue;
        }
        if (next instanceof Long compacted) {
          throw new IllegalStateException("watch canceled: required revision " + rev
              + " has been compacted (compact revision " + compacted + ")");
        }
        Formats.event((Event) next, prevKv).forEach(out::println);
        out.flush();
        seen++;
      }
    } catch (InterruptedException e) {
      // Ctrl-C: the end a watch normally has
    } finally {
      watch.cancel();
    }
    return null;
  }
}
