package io.keel.raft.internal;

import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import java.util.Set;

/**
 * A network partition on demand, for tests of a cluster in one JVM: while peers are blocked, raft
 * requests they send here are dropped unanswered (as a cut link loses them), and this member's
 * forwarded requests to them fail. Nothing is blocked unless {@link #block} is called.
 */
public final class PeerFilter implements io.keel.raft.PeerLinks {
  private volatile Set<String> blocked = Set.of();

  /** Blocks traffic with these peers ("host:port"); an empty set heals. */
  public void block(Set<String> endpoints) {
    this.blocked = Set.copyOf(endpoints);
  }

  @Override
  public void cut(Set<String> peerEndpoints) {
    block(peerEndpoints);
  }

  public boolean blocks(PeerId peer) {
    return !blocked.isEmpty() && blocked.contains(peer.getEndpoint().toString());
  }

  /** A request from a blocked peer (raft requests name their sender in server_id). */
  private boolean dropsRequestFrom(Object request) {
    if (blocked.isEmpty() || !(request instanceof Message m)) {
      return false;
    }
    Descriptors.FieldDescriptor sender = m.getDescriptorForType().findFieldByName("server_id");
    if (sender == null) {
      return false;
    }
    PeerId peer = new PeerId();
    return peer.parse((String) m.getField(sender)) && blocks(peer);
  }

  /** {@code server} with every processor registered on it behind this filter. */
  public RpcServer wrap(RpcServer server) {
    return RpcServers.mapProcessors(server, this::filtered);
  }

  private <T> RpcProcessor<T> filtered(RpcProcessor<T> processor) {
    return RpcServers.filter(processor, null, (ctx, request) -> {
      if (!dropsRequestFrom(request)) {
        processor.handleRequest(ctx, request);
      }
    });
  }
}
