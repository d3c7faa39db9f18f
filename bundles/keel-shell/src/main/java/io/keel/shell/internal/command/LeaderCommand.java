package io.keel.shell.internal.command;

import io.keel.api.Cluster;
import io.keel.api.Maintenance;
import io.keel.api.Member;
import io.keel.api.ServerStatus;
import io.keel.shell.internal.Ids;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Which member leads, as this member knows it. */
@Command(scope = "keel", name = "leader", description = "The current leader (ID, name, Raft term), as this member knows it")
@Service
public class LeaderCommand implements Action {
  @Reference
  Maintenance maintenance;
  @Reference
  Cluster cluster;

  @Override
  public Object execute() {
    ServerStatus s = maintenance.status();
    if (s.leader() == 0) {
      throw new IllegalStateException("no leader (Raft term " + s.raftTerm() + ")");
    }
    String name = cluster.members().stream().filter(m -> m.id() == s.leader()).map(Member::name).findFirst()
        .orElse("");
    System.out.println("leader " + Ids.member(s.leader()) + " name " + name + " term " + s.raftTerm()
        + (s.leader() == maintenance.header(0).memberId() ? " (this member)" : ""));
    return null;
  }
}
