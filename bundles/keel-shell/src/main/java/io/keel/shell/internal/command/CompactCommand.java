package io.keel.shell.internal.command;

import io.keel.api.Kv;
import io.keel.api.kv.CompactionRequest;
import io.keel.shell.internal.Waits;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** etcdctl compact: drops the history below a revision, cluster-wide. */
@Command(scope = "keel", name = "compact", description = "Discards the key-value history below a revision (on every member)")
@Service
public class CompactCommand implements Action {
  @Reference
  Kv kv;

  @Argument(index = 0, name = "revision", required = true, description = "The revision to compact up to")
  long revision;

  @Option(name = "--physical", description = "Return once the compaction is applied on this member")
  boolean physical;

  @Override
  public Object execute() throws Exception {
    Waits.await(kv.compact(new CompactionRequest(revision, physical)));
    System.out.println("compacted revision " + revision);
    return null;
  }
}
