package io.keel.bench;

import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * etcd's {@code benchmark lease-keepalive}: each client grants one lease (TTL {@code --ttl}, not
 * measured) and then renews it {@code --total} times in all, one renewal in flight per client.
 *
 * <p>Unlike etcd's tool, whose {@code KeepAliveOnce} opens a fresh LeaseKeepAlive stream per
 * renewal, each client here keeps one stream open and sends its renewals on it, which is how real
 * clients keep leases alive; both servers get the same load either way. A renewal answered with
 * TTL 0 (lease not found) counts as an error. The leases are revoked at the end.
 */
@Command(name = "lease-keepalive", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Benchmark lease keep-alive (renewals over one LeaseKeepAlive stream per client).")
final class LeaseKeepaliveCommand extends LoadCommand {

  @Option(names = "--total", defaultValue = "10000", description = "total keep-alive requests [${DEFAULT-VALUE}]")
  long total; // read by LoadCommand.total()

  @Option(names = "--ttl", defaultValue = "100", description = "TTL of the granted leases, seconds [${DEFAULT-VALUE}]")
  long ttl;

  private long[] leases;

  @Override
  Map<String, Object> params() {
    return ordered("ttl", ttl);
  }

  @Override
  void setup(Run run) {
    leases = new long[load.clients];
    prepare("granting " + load.clients + " leases", run, Math.min(load.clients, 64), load.clients, client ->
        (seq, done) -> unary(run.conns().forClient((int) seq), LeaseGrpc.getLeaseGrantMethod(), run.conns().callOptions(),
            LeaseGrantRequest.newBuilder().setTTL(ttl).build(), r -> leases[(int) seq] = r.getID(), done));
  }

  @Override
  void teardown(Run run) {
    try {
      prepare("revoking the leases", run, Math.min(load.clients, 64), load.clients, client ->
          (seq, done) -> unary(run.conns().forClient((int) seq), LeaseGrpc.getLeaseRevokeMethod(),
              run.conns().callOptions(), LeaseRevokeRequest.newBuilder().setID(leases[(int) seq]).build(), done));
    } catch (BenchException e) {
      spec.commandLine().getErr().println("bench: warning: " + e.getMessage());
    }
  }

  @Override
  IntFunction<ClosedLoop.Requester> requesters(Run run) {
    return client -> new KeepAliveStream(run, client);
  }

  /** One client's LeaseKeepAlive stream; at most one renewal outstanding. */
  private final class KeepAliveStream implements ClosedLoop.Requester, StreamObserver<LeaseKeepAliveResponse> {
    private final Run run;
    private final LeaseKeepAliveRequest request;
    private final ClientCallStreamObserver<LeaseKeepAliveRequest> requests;
    private final AtomicReference<ClosedLoop.Completion> pending = new AtomicReference<>();
    private volatile Throwable broken;

    @SuppressWarnings("unchecked")
    KeepAliveStream(Run run, int client) {
      this.run = run;
      this.request = LeaseKeepAliveRequest.newBuilder().setID(leases[client]).build();
      this.requests = (ClientCallStreamObserver<LeaseKeepAliveRequest>) ClientCalls.asyncBidiStreamingCall(
          run.conns().forClient(client).newCall(LeaseGrpc.getLeaseKeepAliveMethod(), run.conns().streamOptions()), this);
    }

    @Override
    public void send(long seq, ClosedLoop.Completion done) {
      Throwable b = broken;
      if (b != null) {
        // answered through the timer so a dead stream cannot recurse through the loop
        run.timer().execute(() -> done.failed(b));
        return;
      }
      pending.set(done);
      requests.onNext(request);
      if (broken != null && pending.compareAndSet(done, null)) {
        run.timer().execute(() -> done.failed(broken));
      }
    }

    @Override
    public void onNext(LeaseKeepAliveResponse r) {
      ClosedLoop.Completion done = pending.getAndSet(null);
      if (done == null) {
        return;
      }
      if (r.getTTL() <= 0) {
        done.failed(Status.NOT_FOUND.withDescription("etcdserver: requested lease not found").asRuntimeException());
      } else {
        done.succeeded();
      }
    }

    @Override
    public void onError(Throwable t) {
      broken = t;
      ClosedLoop.Completion done = pending.getAndSet(null);
      if (done != null) {
        done.failed(t);
      }
    }

    @Override
    public void onCompleted() {
      onError(Status.UNAVAILABLE.withDescription("keep-alive stream closed by the server").asRuntimeException());
    }

    @Override
    public void close() {
      try {
        requests.onCompleted();
      } catch (RuntimeException ignored) {
        // the stream is already gone
      }
    }
  }
}
