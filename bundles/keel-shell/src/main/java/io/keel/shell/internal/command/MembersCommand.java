package io.keel.shell.internal.command;

import io.keel.api.Cluster;
import io.keel.api.Maintenance;
import io.keel.api.Member;
import io.keel.shell.internal.Ids;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** The member list, etcdctl member list's columns plus which member leads. */
@Command(scope = "keel", name = "members", description = "The cluster's members: ID, status, name, peer and client URLs, learner, leader")
@Service
public class MembersCommand implements Action {
  @Reference
  Cluster cluster;
  @Reference
  Maintenance maintenance;

  @Override
  public Object execute() {
    long leader = maintenance.status().leader();
    ShellTable table = new ShellTable();
    for (String c : new String[] {"ID", "Status", "Name", "Peer Addrs", "Client Addrs", "Is Learner", "Is Leader"}) {
      table.column(c);
    }
    for (Member m : cluster.members()) {
      table.addRow().addContent(Ids.member(m.id()), m.name().isEmpty() ? "unstarted" : "started", m.name(),
          String.join(",", m.peerUrls()), String.join(",", m.clientUrls()), m.isLearner(), m.id() == leader);
    }
    table.print(System.out);
    return null;
  }
}
