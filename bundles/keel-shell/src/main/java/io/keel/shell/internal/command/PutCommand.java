package io.keel.shell.internal.command;

import io.keel.api.Kv;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.PutResponse;
import io.keel.shell.internal.Formats;
import io.keel.shell.internal.Ids;
import io.keel.shell.internal.Waits;
import java.nio.charset.StandardCharsets;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** etcdctl put: prints OK once the write is committed and applied. */
@Command(scope = "keel", name = "put", description = "Writes a key (through the cluster's log)")
@Service
public class PutCommand implements Action {
  @Reference
  Kv kv;

  @Argument(index = 0, name = "key", required = true, description = "The key")
  @Completion(KeyCompleter.class)
  String key;

  @Argument(index = 1, name = "value", required = true, description = "The value")
  String value;

  @Option(name = "--lease", description = "Attach the key to this lease (hexadecimal ID)")
  String lease;

  @Option(name = "--prev-kv", description = "Also print the previous key-value")
  boolean prevKv;

  @Override
  public Object execute() throws Exception {
    long leaseId = lease == null ? 0 : Ids.parseHex("lease", lease);
    PutResponse r = Waits.await(kv.put(new PutRequest(key.getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8), leaseId, prevKv, false, false)));
    System.out.println("OK");
    if (prevKv && r.prevKv() != null) {
      Formats.keyValue(r.prevKv(), false).forEach(System.out::println);
    }
    return null;
  }
}
