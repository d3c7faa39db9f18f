package io.keel.shell.internal.command;

import io.keel.api.Kv;
import io.keel.api.kv.Bytes;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import io.keel.shell.internal.Formats;
import io.keel.shell.internal.Waits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * Completes keys: the first {@value #LIMIT} keys that start with what has been typed, read locally
 * (serializable, keys only) so completing never waits for the leader.
 */
@Service
public class KeyCompleter implements Completer {
  static final int LIMIT = 100;
  @Reference
  Kv kv;

  @Override
  public int complete(Session session, CommandLine commandLine, List<String> candidates) {
    String arg = commandLine.getCursorArgument();
    String typed = arg == null ? "" : arg.substring(0, Math.min(commandLine.getArgumentPosition(), arg.length()));
    byte[] prefix = typed.getBytes(StandardCharsets.UTF_8);
    byte[] key = prefix.length == 0 ? new byte[] {0} : prefix;
    byte[] end = prefix.length == 0 ? new byte[] {0} : Bytes.prefixEnd(prefix);
    StringsCompleter keys = new StringsCompleter();
    try {
      for (KeyValue found : Waits.await(kv.range(new RangeRequest(key, end, LIMIT, 0, SortOrder.ASCEND, SortTarget.KEY,
          true, true, false, 0, 0, 0, 0)), 2_000).kvs()) {
        keys.getStrings().add(Formats.text(found.key()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      return -1; // no completion rather than an error in the middle of typing
    }
    return keys.complete(session, commandLine, candidates);
  }
}
