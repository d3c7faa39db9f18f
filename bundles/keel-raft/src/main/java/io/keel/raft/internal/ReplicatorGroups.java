package io.keel.raft.internal;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.ReplicatorGroup;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.rpc.RpcRequests.AppendEntriesResponse;
import com.alipay.sofa.jraft.rpc.RpcResponseClosureAdapter;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A leader's heartbeat to one follower on demand. jraft sends heartbeats on its timer and, for
 * linearizable reads, to every follower; its node keeps the replicator group that can send one to a
 * single follower private, so it is reached by reflection. If a jraft version moves it, one WARN
 * line says so, and followers learn commit indexes on jraft's own schedule, as before.
 */
final class ReplicatorGroups {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicatorGroups.class);
  private static final Field GROUP = groupField();

  private ReplicatorGroups() {}

  private static Field groupField() {
    try {
      Field f = NodeImpl.class.getDeclaredField("replicatorGroup");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("cannot reach jraft's replicator group, followers learn commits on jraft's schedule: {}", e.toString());
      return null;
    }
  }

  static void sendHeartbeat(Node node, PeerId follower) {
    if (GROUP == null || !(node instanceof NodeImpl) || !node.isLeader()) {
      return;
    }
    ReplicatorGroup group;
    try {
      group = (ReplicatorGroup) GROUP.get(node);
    } catch (IllegalAccessException e) {
      return; // made accessible above
    }
    if (group != null && group.contains(follower)) {
      group.sendHeartbeat(follower, new RpcResponseClosureAdapter<AppendEntriesResponse>() {
        @Override
        public void run(Status status) {
          // the heartbeat only carries the commit index; the replicator handles its answer
        }
      });
    }
  }
}
