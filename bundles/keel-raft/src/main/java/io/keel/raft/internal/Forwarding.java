package io.keel.raft.internal;

import com.alipay.remoting.CustomSerializerManager;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any member serves any request: a follower forwards what only the leader can do (proposals, lease
 * renewals, lease time-to-live) to the leader over the peer port, and answers with the leader's
 * result. Frames: a kind byte, then the payload (an encoded {@link Command} to propose or a
 * membership change to make, or a lease ID);
 * answers are {@link ResultCodec} bytes.
 */
public final class Forwarding implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Forwarding.class);
  static final byte COMMAND = 1;
  static final byte RENEW = 2;
  static final byte REMAINING = 3;
  static final byte ADMINISTER = 4;
  static final byte CLUSTER = 5;

  /** What the leader does with a forwarded request; implemented by the member itself. */
  public interface Leader {
    CompletionStage<Object> proposeLocally(Command command, byte[] encoded);

    CompletionStage<Long> renewLocally(long leaseId);

    long remainingLocally(long leaseId);

    /** A membership change (add, remove, promote, update), answered with the member list after it. */
    CompletionStage<?> administerLocally(Command change);

    /** The cluster as this member knows it; any member answers, for a member that joins. */
    CompletionStage<ClusterView> clusterView();
  }

  private final RpcClient client;
  private final java.util.function.Predicate<PeerId> unreachable;
  private final long timeoutMs;

  private Forwarding(RpcClient client, java.util.function.Predicate<PeerId> unreachable, long timeoutMs) {
    this.client = client;
    this.unreachable = unreachable;
    this.timeoutMs = timeoutMs;
  }

  /** Registers the leader side on {@code server} and starts the client side. */
  public static Forwarding start(RpcServer server, Leader leader, java.util.function.Predicate<PeerId> unreachable,
      long timeoutMs) {
    // bolt keeps serializers in a JVM-wide table that refuses a second registration
    synchronized (Forwarding.class) {
      if (CustomSerializerManager.getCustomSerializer(ForwardMessage.class.getName()) == null) {
        CustomSerializerManager.registerCustomSerializer(ForwardMessage.class.getName(), ForwardSerializer.INSTANCE);
      }
    }
    server.registerProcessor(new Processor(leader));
    RpcClient client = RpcFactoryHelper.rpcFactory().createRpcClient();
    client.init(new RpcOptions());
    return new Forwarding(client, unreachable, timeoutMs);
  }

  public CompletableFuture<Object> command(PeerId leader, byte[] encodedCommand) {
    byte[] frame = new byte[encodedCommand.length + 1];
    frame[0] = COMMAND;
    System.arraycopy(encodedCommand, 0, frame, 1, encodedCommand.length);
    return call(leader, frame);
  }

  public CompletableFuture<Object> administer(PeerId leader, byte[] encodedChange) {
    byte[] frame = new byte[encodedChange.length + 1];
    frame[0] = ADMINISTER;
    System.arraycopy(encodedChange, 0, frame, 1, encodedChange.length);
    return call(leader, frame);
  }

  /** Asks {@code peer} (any member) for the cluster's ID and member list. */
  public CompletableFuture<Object> clusterView(PeerId peer) {
    return call(peer, new byte[] {CLUSTER});
  }

  public CompletableFuture<Object> renew(PeerId leader, long leaseId) {
    return call(leader, ByteBuffer.allocate(9).put(RENEW).putLong(leaseId).array());
  }

  public CompletableFuture<Object> remaining(PeerId leader, long leaseId) {
    return call(leader, ByteBuffer.allocate(9).put(REMAINING).putLong(leaseId).array());
  }

  private CompletableFuture<Object> call(PeerId leader, byte[] frame) {
    CompletableFuture<Object> result = new CompletableFuture<>();
    if (unreachable.test(leader)) {
      result.completeExceptionally(EtcdError.LEADER_CHANGED.exception()); // as a lost connection answers
      return result;
    }
    try {
      client.invokeAsync(leader.getEndpoint(), new ForwardMessage(frame), new InvokeCallback() {
        @Override
        public void complete(Object response, Throwable err) {
          if (err != null) {
            LOG.debug("forward to leader failed leader={}", leader, err);
            result.completeExceptionally(EtcdError.LEADER_CHANGED.exception());
            return;
          }
          try {
            result.complete(ResultCodec.decode(((ForwardMessage) response).data()));
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        }
      }, timeoutMs);
    } catch (Exception e) {
      result.completeExceptionally(EtcdError.LEADER_CHANGED.exception());
    }
    return result;
  }

  @Override
  public void close() {
    client.shutdown();
  }

  /** The leader's side: run the request locally and answer with its outcome. */
  private static final class Processor implements RpcProcessor<ForwardMessage> {
    private final Leader leader;

    Processor(Leader leader) {
      this.leader = leader;
    }

    @Override
    public String interest() {
      return ForwardMessage.class.getName();
    }

    @Override
    public void handleRequest(RpcContext ctx, ForwardMessage request) {
      ByteBuffer b = ByteBuffer.wrap(request.data());
      try {
        byte kind = b.get();
        CompletionStage<?> outcome = switch (kind) {
          case COMMAND -> {
            byte[] encoded = new byte[b.remaining()];
            b.get(encoded);
            yield leader.proposeLocally(CommandCodec.decode(ByteBuffer.wrap(encoded)), encoded);
          }
          case ADMINISTER -> {
            byte[] encoded = new byte[b.remaining()];
            b.get(encoded);
            yield leader.administerLocally(CommandCodec.decode(ByteBuffer.wrap(encoded)));
          }
          case CLUSTER -> leader.clusterView();
          case RENEW -> leader.renewLocally(b.getLong());
          case REMAINING -> CompletableFuture.completedFuture(leader.remainingLocally(b.getLong()));
          default -> throw new IllegalStateException("unknown forward kind " + kind);
        };
        outcome.whenComplete((r, e) -> ctx.sendResponse(new ForwardMessage(answer(r, e))));
      } catch (RuntimeException e) {
        ctx.sendResponse(new ForwardMessage(answer(null, e)));
      }
    }

    private static byte[] answer(Object result, Throwable error) {
      if (error == null) {
        return ResultCodec.encode(result);
      }
      Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
          ? error.getCause() : error;
      if (cause instanceof EtcdException e) {
        return ResultCodec.error(e.error());
      }
      LOG.error("forwarded request failed", cause);
      return ResultCodec.error(EtcdError.TIMEOUT);
    }
  }
}
