package io.keel.raft.internal;

import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.ConnectionClosedEventListener;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import java.util.Set;
import java.util.concurrent.Executor;

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
    return new RpcServer() {
      @Override
      public boolean init(Void opts) {
        return server.init(opts);
      }

      @Override
      public void shutdown() {
        server.shutdown();
      }

      @Override
      public void registerConnectionClosedEventListener(ConnectionClosedEventListener listener) {
        server.registerConnectionClosedEventListener(listener);
      }

      @Override
      public void registerProcessor(RpcProcessor<?> processor) {
        server.registerProcessor(filtered(processor));
      }

      @Override
      public int boundPort() {
        return server.boundPort();
      }

      @Override
      public boolean isStarted() {
        return server.isStarted();
      }
    };
  }

  private <T> RpcProcessor<T> filtered(RpcProcessor<T> processor) {
    return new RpcProcessor<>() {
      @Override
      public void handleRequest(RpcContext ctx, T request) {
        if (!dropsRequestFrom(request)) {
          processor.handleRequest(ctx, request);
        }
      }

      @Override
      public String interest() {
        return processor.interest();
      }

      @Override
      public Executor executor() {
        return processor.executor();
      }

      @Override
      public ExecutorSelector executorSelector() {
        return processor.executorSelector();
      }
    };
  }
}
