package io.keel.shell.internal.command;

import io.keel.api.Kv;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.shell.internal.Formats;
import io.keel.shell.internal.KeyRange;
import io.keel.shell.internal.Waits;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** etcdctl del: prints how many keys were deleted. */
@Command(scope = "keel", name = "del", description = "Deletes a key or a range of keys")
@Service
public class DelCommand implements Action {
  @Reference
  Kv kv;

  @Argument(index = 0, name = "key", required = true, description = "The key, or the prefix with --prefix")
  @Completion(KeyCompleter.class)
  String key;

  @Argument(index = 1, name = "range-end", description = "Delete [key, range-end)")
  String rangeEnd;

  @Option(name = "--prefix", description = "Every key with this prefix")
  boolean prefix;

  @Option(name = "--prev-kv", description = "Also print the deleted key-values")
  boolean prevKv;

  @Override
  public Object execute() throws Exception {
    KeyRange range = KeyRange.of(key, rangeEnd, prefix);
    DeleteRangeResponse r = Waits.await(kv.deleteRange(new DeleteRangeRequest(range.key(), range.rangeEnd(), prevKv)));
    System.out.println(r.deleted());
    r.prevKvs().forEach(p -> Formats.keyValue(p, false).forEach(System.out::println));
    return null;
  }
}
