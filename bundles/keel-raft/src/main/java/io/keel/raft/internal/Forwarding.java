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
import com.google.protobuf.ByteString;
import io.keel.raft.internal.proto.ClusterViewRequest;
import io.keel.raft.internal.proto.ForwardRequest;
import io.keel.raft.internal.proto.ForwardResponse;
import io.keel.raft.internal.proto.Proposals;
import io.keel.raft.internal.proto.Result;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any member serves any request: a follower forwards what only the leader can do (proposals, lease
 * renewals, lease time-to-live) to the leader over the peer port, and answers with the leader's
 * result. Requests are {@link ForwardRequest} messages ({@code internal.proto}): log entries to
 * propose (encoded by {@link CommandCodec}, so the leader appends the follower's bytes as they
 * are), a membership change, a lease ID; answers are {@link ForwardResponse}s holding one {@link
 * Result} per proposal, or the one result of the other kinds.
 */
public final class Forwarding implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Forwarding.class);
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
  /** This member's ID once decided (0 before): sent along so that the peer can name the connection. */
  private volatile long sender;

  private Forwarding(RpcClient client, java.util.function.Predicate<PeerId> unreachable, long timeoutMs) {
    this.client = client;
    this.unreachable = unreachable;
    this.timeoutMs = timeoutMs;
  }

  /** Registers the leader side on {@code server} and starts the client side. */
  public static Forwarding start(RpcServer server, Leader leader, java.util.function.Predicate<PeerId> unreachable,
      long timeoutMs) {
    return start(server, leader, unreachable, timeoutMs, null, null);
  }

  /**
   * As {@link #start(RpcServer, Leader, java.util.function.Predicate, long)}, dialing peers over
   * {@code tls} and counting the bytes in {@code traffic}, each if not null.
   */
  public static Forwarding start(RpcServer server, Leader leader, java.util.function.Predicate<PeerId> unreachable,
      long timeoutMs, PeerTls tls, io.keel.raft.internal.metrics.PeerTraffic traffic) {
    // bolt keeps serializers in a JVM-wide table that refuses a second registration
    synchronized (Forwarding.class) {
      for (Class<?> type : List.of(ForwardRequest.class, ForwardResponse.class)) {
        if (CustomSerializerManager.getCustomSerializer(type.getName()) == null) {
          CustomSerializerManager.registerCustomSerializer(type.getName(), ForwardSerializer.INSTANCE);
        }
      }
    }
    server.registerProcessor(new Processor(leader));
    RpcClient client = RpcFactoryHelper.rpcFactory().createRpcClient();
    if (tls != null || traffic != null) {
      PeerTls.dial(client, tls, traffic);
    }
    client.init(new RpcOptions());
    return new Forwarding(client, unreachable, timeoutMs);
  }

  /** Names this member in its requests from now on (once its ID is decided). */
  public void sendAs(long memberId) {
    this.sender = memberId;
  }

  private ForwardRequest.Builder request() {
    return ForwardRequest.newBuilder().setFrom(sender);
  }

  /**
   * Measures one round trip to {@code peer} with jraft's ping (every member answers it on its peer
   * port): the nanoseconds it took, or failed if the peer did not answer within the timeout.
   */
  public CompletableFuture<Long> ping(PeerId peer) {
    return ping(peer, timeoutMs);
  }

  /** {@link #ping(PeerId)} with its own bound: failed if no answer came within {@code waitMs}. */
  public CompletableFuture<Long> ping(PeerId peer, long waitMs) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    if (unreachable.test(peer)) {
      result.completeExceptionally(new java.io.IOException("unreachable: " + peer));
      return result;
    }
    long start = System.nanoTime();
    try {
      client.invokeAsync(peer.getEndpoint(), com.alipay.sofa.jraft.rpc.RpcRequests.PingRequest.newBuilder()
          .setSendTimestamp(System.currentTimeMillis()).build(), new InvokeCallback() {
            @Override
            public void complete(Object response, Throwable err) {
              if (err != null) {
                result.completeExceptionally(err);
              } else {
                result.complete(System.nanoTime() - start);
              }
            }
          }, waitMs);
    } catch (Exception e) {
      result.completeExceptionally(e);
    }
    return result;
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
    sendBatch(List.of(p));
  }

  /** One peer RPC proposing every entry of {@code batch}; the answer holds each outcome in order. */
  private CompletableFuture<ForwardResponse> sendBatch(List<Pending> batch) {
    Proposals.Builder proposals = Proposals.newBuilder();
    for (Pending p : batch) {
      proposals.addEntries(KvMessages.wrap(p.command()));
    }
    ForwardRequest request = request().setPropose(proposals).build();
    return call(batch.get(0).leader(), request).whenComplete((answer, error) -> {
      if (error != null) {
        batch.forEach(p -> p.result().completeExceptionally(error));
        return;
      }
      for (int i = 0; i < batch.size(); i++) {
        CompletableFuture<Object> result = batch.get(i).result();
        if (i >= answer.getResultsCount()) {
          result.completeExceptionally(new IllegalStateException("the leader answered fewer proposals than sent"));
          continue;
        }
        try {
          result.complete(ResultCodec.decode(answer.getResults(i)));
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
        }
      }
    });
  }

  public CompletableFuture<Object> administer(PeerId leader, byte[] encodedChange) {
    return single(leader, request().setAdminister(KvMessages.wrap(encodedChange)).build());
  }

  /** Asks {@code peer} (any member) for the cluster's ID and member list. */
  public CompletableFuture<Object> clusterView(PeerId peer) {
    return single(peer, request().setClusterView(ClusterViewRequest.getDefaultInstance()).build());
  }

  public CompletableFuture<Object> renew(PeerId leader, long leaseId) {
    return single(leader, request().setRenew(leaseId).build());
  }

  public CompletableFuture<Object> remaining(PeerId leader, long leaseId) {
    return single(leader, request().setRemaining(leaseId).build());
  }

  /**
   * A request answered by one result: that result, or failed with the etcd error it carries (as
   * is, not wrapped in a CompletionException: callers match on it).
   */
  private CompletableFuture<Object> single(PeerId peer, ForwardRequest request) {
    CompletableFuture<Object> result = new CompletableFuture<>();
    call(peer, request).whenComplete((answer, error) -> {
      if (error != null) {
        result.completeExceptionally(error);
      } else if (answer.getResultsCount() != 1) {
        result.completeExceptionally(new IllegalStateException("expected one result, got " + answer.getResultsCount()));
      } else {
        try {
          result.complete(ResultCodec.decode(answer.getResults(0)));
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
        }
      }
    });
    return result;
  }

  private CompletableFuture<ForwardResponse> call(PeerId leader, ForwardRequest request) {
    CompletableFuture<ForwardResponse> result = new CompletableFuture<>();
    if (unreachable.test(leader)) {
      result.completeExceptionally(EtcdError.LEADER_CHANGED.exception()); // as a lost connection answers
      return result;
    }
    try {
      client.invokeAsync(leader.getEndpoint(), request, new InvokeCallback() {
        @Override
        public void complete(Object response, Throwable err) {
          if (err != null) {
            LOG.debug("forward to leader failed leader={}", leader, err);
            result.completeExceptionally(EtcdError.LEADER_CHANGED.exception());
            return;
          }
          result.complete((ForwardResponse) response);
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
    BoltThreads.endConnectionEvents(client);
  }

  /**
   * The leader's side: run the request locally and answer with its outcome. It runs on bolt's I/O
   * thread that decoded the request: every kind only hands work to jraft (or answers from memory)
   * and never blocks, so a thread hop to bolt's default executor would only add a wake-up to each
   * forwarded proposal's round trip.
   */
  private static final class Processor implements RpcProcessor<ForwardRequest> {
    private static final Executor IN_IO_THREAD = Runnable::run;
    private final Leader leader;

    Processor(Leader leader) {
      this.leader = leader;
    }

    @Override
    public String interest() {
      return ForwardRequest.class.getName();
    }

    @Override
    public Executor executor() {
      return IN_IO_THREAD;
    }

    @Override
    public void handleRequest(RpcContext ctx, ForwardRequest request) {
      try {
        if (request.getKindCase() == ForwardRequest.KindCase.PROPOSE) {
          proposeAll(ctx, request.getPropose().getEntriesList());
          return;
        }
        CompletionStage<?> outcome = switch (request.getKindCase()) {
          case ADMINISTER -> leader.administerLocally(CommandCodec.decode(request.getAdminister().asReadOnlyByteBuffer()));
          case CLUSTER_VIEW -> leader.clusterView();
          case RENEW -> leader.renewLocally(request.getRenew());
          case REMAINING -> CompletableFuture.completedFuture(leader.remainingLocally(request.getRemaining()));
          default -> throw new IllegalStateException("unknown forward kind " + request.getKindCase());
        };
        outcome.whenComplete((r, e) -> ctx.sendResponse(ForwardResponse.newBuilder().addResults(answer(r, e)).build()));
      } catch (RuntimeException e) {
        ctx.sendResponse(ForwardResponse.newBuilder().addResults(answer(null, e)).build());
      }
    }

    /** A batch of proposals: each proposed at once, one answer once all have an outcome. */
    private void proposeAll(RpcContext ctx, List<ByteString> entries) {
      int n = entries.size();
      if (n == 0) {
        ctx.sendResponse(ForwardResponse.getDefaultInstance());
        return;
      }
      Result[] answers = new Result[n];
      java.util.concurrent.atomic.AtomicInteger remaining = new java.util.concurrent.atomic.AtomicInteger(n);
      for (int i = 0; i < n; i++) {
        byte[] encoded = entries.get(i).toByteArray(); // the log entry jraft appends: its one copy
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
            ctx.sendResponse(ForwardResponse.newBuilder().addAllResults(java.util.Arrays.asList(answers)).build());
          }
        });
      }
    }

    private static Result answer(Object result, Throwable error) {
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
