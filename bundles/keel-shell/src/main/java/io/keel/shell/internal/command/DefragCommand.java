package io.keel.shell.internal.command;

import io.keel.api.Maintenance;
import io.keel.shell.internal.Ids;
import io.keel.shell.internal.Waits;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** etcdctl defrag for this member: Keel takes a Raft snapshot, which lets the log be truncated. */
@Command(scope = "keel", name = "defrag", description = "Reclaims this member's disk space (takes a Raft snapshot)")
@Service
public class DefragCommand implements Action {
  @Reference
  Maintenance maintenance;

  @Override
  public Object execute() throws Exception {
    Waits.await(maintenance.defragment(), 120_000);
    System.out.println("Finished defragmenting member " + Ids.member(maintenance.header(0).memberId()));
    return null;
  }
}
