package io.keel.shell.internal.command;

import io.keel.api.Cluster;
import io.keel.api.Maintenance;
import io.keel.api.Member;
import io.keel.shell.internal.Ids;
import io.keel.shell.internal.Waits;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** etcdctl move-leader: only the leader can hand its leadership over. */
@Command(scope = "keel", name = "move-leader", description = "Hands leadership to another member (run it on the leader)")
@Service
public class MoveLeaderCommand implements Action {
  @Reference
  Maintenance maintenance;
  @Reference
  Cluster cluster;

  @Argument(index = 0, name = "member", description = "The new leader: its name or hexadecimal ID", required = true)
  @Completion(MemberCompleter.class)
  String member;

  @Override
  public Object execute() throws Exception {
    Member target = Ids.resolveMember(cluster.members(), member);
    long from = maintenance.status().leader();
    Waits.await(maintenance.moveLeader(target.id()));
    System.out.println("Leadership transferred from " + Ids.member(from) + " to " + Ids.member(target.id()));
    return null;
  }
}
