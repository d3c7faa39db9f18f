package io.keel.shell.internal.command;

import io.keel.api.Kv;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
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

/** etcdctl get: each key, then its value, on lines of their own. */
@Command(scope = "keel", name = "get", description = "Reads a key or a range of keys (linearizable unless --serializable)")
@Service
public class GetCommand implements Action {
  @Reference
  Kv kv;

  @Argument(index = 0, name = "key", description = "The key, or the prefix with --prefix", required = true)
  @Completion(KeyCompleter.class)
  String key;

  @Argument(index = 1, name = "range-end", description = "Read [key, range-end)")
  String rangeEnd;

  @Option(name = "--prefix", description = "Every key with this prefix")
  boolean prefix;

  @Option(name = "--rev", description = "Read at this revision (0: the latest)")
  long rev;

  @Option(name = "--limit", description = "At most this many keys (0: no limit)")
  long limit;

  @Option(name = "--keys-only", description = "Keys without values")
  boolean keysOnly;

  @Option(name = "--count-only", description = "Only the number of keys")
  boolean countOnly;

  @Option(name = "--serializable", description = "Read this member's state without asking the leader")
  boolean serializable;

  @Override
  public Object execute() throws Exception {
    KeyRange range = KeyRange.of(key, rangeEnd, prefix);
    RangeResponse r = Waits.await(kv.range(new RangeRequest(range.key(), range.rangeEnd(), limit, rev,
        SortOrder.NONE, SortTarget.KEY, serializable, keysOnly, countOnly, 0, 0, 0, 0)));
    if (countOnly) {
      System.out.println(r.count());
      return null;
    }
    for (KeyValue found : r.kvs()) {
      Formats.keyValue(found, keysOnly).forEach(System.out::println);
    }
    return null;
  }
}
