package io.keel.shell.internal.command;

import io.keel.api.Cluster;
import io.keel.api.Maintenance;
import io.keel.api.Member;
import io.keel.api.ServerStatus;
import io.keel.shell.internal.Formats;
import io.keel.shell.internal.Ids;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** This member's status, etcdctl endpoint status's columns. */
@Command(scope = "keel", name = "status", description = "This member's status: ID, leader, Raft term and indexes, store size and revision")
@Service
public class StatusCommand implements Action {
  @Reference
  Maintenance maintenance;
  @Reference
  Cluster cluster;

  @Override
  public Object execute() {
    ServerStatus s = maintenance.status();
    long self = maintenance.header(0).memberId();
    String name = cluster.members().stream().filter(m -> m.id() == self).map(Member::name).findFirst().orElse("");
    ShellTable table = new ShellTable();
    for (String c : new String[] {"ID", "Name", "Version", "DB Size", "Is Leader", "Is Learner", "Raft Term",
        "Raft Index", "Raft Applied Index", "Revision", "Errors"}) {
      table.column(c);
    }
    table.addRow().addContent(Ids.member(self), name, s.version(), Formats.bytes(s.dbSize()), s.leader() == self,
        s.isLearner(), s.raftTerm(), s.raftIndex(), s.raftAppliedIndex(), maintenance.currentRevision(),
        String.join(", ", s.errors()));
    table.print(System.out);
    return null;
  }
}
