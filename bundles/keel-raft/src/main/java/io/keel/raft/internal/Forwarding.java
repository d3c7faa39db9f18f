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
import java.util.ArrayList;
import java.util.List;
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
  static final byte COMMANDS = 6;
  /** Proposals a follower sends the leader in one peer RPC, and how many such RPCs it keeps open. */
  static final int MAX_BATCH = 128;
  static final int MAX_IN_FLIGHT = 4;

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

  /** A proposal waiting to be forwarded. */
  private record Pending(PeerId leader, byte[] command, CompletableFuture<Object> result) {}

  private final java.util.concurrent.ConcurrentLinkedQueue<Pending> queue =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Forwards a proposal. Proposals that arrive while {@link #MAX_IN_FLIGHT} peer RPCs are open wait
   * and go together in the next one (up to {@link #MAX_BATCH}), as etcd's followers batch MsgProp:
   * one client alone is never delayed, many share the cost of the peer round trip.
   */
  public CompletableFuture<Object> command(PeerId leader, byte[] encodedCommand) {
    Pending p = new Pending(leader, encodedCommand, new CompletableFuture<>());
    queue.add(p);
    drain();
    return p.result();
  }

  private void drain() {
    while (!queue.isEmpty()) {
      int open = inFlight.get();
      if (open >= MAX_IN_FLIGHT) {
        return; // a completing RPC drains again
      }
      if (!inFlight.compareAndSet(open, open + 1)) {
        continue;
      }
      List<Pending> batch = new ArrayList<>();
      Pending next;
      while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
        if (batch.isEmpty() || next.leader().equals(batch.get(0).leader())) {
          batch.add(next);
        } else {
          sendOne(next); // the leader changed in between: not part of this batch
        }
      }
      if (batch.isEmpty()) {
        inFlight.decrementAndGet(); // others took them; look again
        continue;
      }
      sendBatch(batch).whenComplete((r, e) -> {
        inFlight.decrementAndGet();
        drain();
      });
    }
  }

  private void sendOne(Pending p) {
    byte[] frame = new byte[p.command().length + 1];
    frame[0] = COMMAND;
    System.arraycopy(p.command(), 0, frame, 1, p.command().length);
    call(p.leader(), frame, ResultCodec::decode).whenComplete((r, e) -> {
      if (e != null) {
        p.result().completeExceptionally(e);
      } else {
        p.result().complete(r);
      }
    });
  }

  /** Frame: COMMANDS, count, then each command with its length; the answer lists each outcome likewise. */
  private CompletableFuture<Object> sendBatch(List<Pending> batch) {
    int size = 5;
    for (Pending p : batch) {
      size += 4 + p.command().length;
    }
    ByteBuffer frame = ByteBuffer.allocate(size).put(COMMANDS).putInt(batch.size());
    for (Pending p : batch) {
      frame.putInt(p.command().length).put(p.command());
    }
    return call(batch.get(0).leader(), frame.array(), answer -> answer).whenComplete((answer, error) -> {
      if (error != null) {
        batch.forEach(p -> p.result().completeExceptionally(error));
        return;
      }
      ByteBuffer b = ByteBuffer.wrap((byte[]) answer);
      int n = b.getInt();
      for (int i = 0; i < n && i < batch.size(); i++) {
        byte[] one = new byte[b.getInt()];
        b.get(one);
        try {
          batch.get(i).result().complete(ResultCodec.decode(one));
        } catch (RuntimeException e) {
          batch.get(i).result().completeExceptionally(e);
        }
      }
    });
  }

  public CompletableFuture<Object> administer(PeerId leader, byte[] encodedChange) {
    byte[] frame = new byte[encodedChange.length + 1];
    frame[0] = ADMINISTER;
    System.arraycopy(encodedChange, 0, frame, 1, encodedChange.length);
    return call(leader, frame, ResultCodec::decode);
  }

  /** Asks {@code peer} (any member) for the cluster's ID and member list. */
  public CompletableFuture<Object> clusterView(PeerId peer) {
    return call(peer, new byte[] {CLUSTER}, ResultCodec::decode);
  }

  public CompletableFuture<Object> renew(PeerId leader, long leaseId) {
    return call(leader, ByteBuffer.allocate(9).put(RENEW).putLong(leaseId).array(), ResultCodec::decode);
  }

  public CompletableFuture<Object> remaining(PeerId leader, long leaseId) {
    return call(leader, ByteBuffer.allocate(9).put(REMAINING).putLong(leaseId).array(), ResultCodec::decode);
  }

  private CompletableFuture<Object> call(PeerId leader, byte[] frame, java.util.function.Function<byte[], Object> decode) {
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
            result.complete(decode.apply(((ForwardMessage) response).data()));
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
        if (kind == COMMANDS) {
          proposeAll(ctx, b);
          return;
        }
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

    /** A batch of proposals: each proposed at once, one answer once all have an outcome. */
    private void proposeAll(RpcContext ctx, ByteBuffer b) {
      int n = b.getInt();
      byte[][] answers = new byte[n][];
      java.util.concurrent.atomic.AtomicInteger remaining = new java.util.concurrent.atomic.AtomicInteger(n);
      for (int i = 0; i < n; i++) {
        byte[] encoded = new byte[b.getInt()];
        b.get(encoded);
        int slot = i;
        CompletionStage<Object> outcome;
        try {
          outcome = leader.proposeLocally(CommandCodec.decode(ByteBuffer.wrap(encoded)), encoded);
        } catch (RuntimeException e) {
          outcome = CompletableFuture.failedFuture(e);
        }
        outcome.whenComplete((r, e) -> {
          answers[slot] = answer(r, e);
          if (remaining.decrementAndGet() == 0) {
            int size = 4;
            for (byte[] a : answers) {
              size += 4 + a.length;
            }
            ByteBuffer frame = ByteBuffer.allocate(size).putInt(n);
            for (byte[] a : answers) {
              frame.putInt(a.length).put(a);
            }
            ctx.sendResponse(new ForwardMessage(frame.array()));
          }
        });
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
