package io.keel.grpc.internal;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseLeasesRequest;
import io.etcd.jetcd.api.LeaseLeasesResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.LeaseStatus;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.grpc.stub.StreamObserver;
import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.Leases;
import java.util.concurrent.CompletionException;

/** etcdserverpb.Lease: grant, revoke, the keep-alive stream, time-to-live and listing. */
final class LeaseService extends LeaseGrpc.LeaseImplBase {
  private final Leases server;

  LeaseService(Leases server) {
    this.server = server;
  }

  @Override
  public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> observer) {
    Replies.reply(server.leaseGrant(request.getID(), request.getTTL()), observer,
        g -> LeaseGrantResponse.newBuilder().setHeader(ProtoKv.header(server.header(g.revision())))
            .setID(g.id()).setTTL(g.ttlSeconds()).build());
  }

  @Override
  public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> observer) {
    Replies.replyAs(who -> server.leaseRevoke(request.getID(), who), observer,
        rev -> LeaseRevokeResponse.newBuilder().setHeader(ProtoKv.header(server.header(rev))).build());
  }

  /**
   * Only a request for the keys runs as the caller (etcd checks read permission on them); without
   * the keys the caller's token is not even looked at, as in etcd.
   */
  @Override
  public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> observer) {
    if (request.getKeys()) {
      Replies.replyAs(who -> server.leaseTimeToLive(request.getID(), true, who), observer, this::timeToLive);
    } else {
      Replies.reply(server.leaseTimeToLive(request.getID(), false), observer, this::timeToLive);
    }
  }

  private LeaseTimeToLiveResponse timeToLive(io.keel.api.lease.LeaseTimeToLive t) {
    LeaseTimeToLiveResponse.Builder b = LeaseTimeToLiveResponse.newBuilder()
        .setHeader(ProtoKv.header(server.header(t.revision()))).setID(t.id()).setTTL(t.ttlSeconds())
        .setGrantedTTL(t.grantedTtlSeconds());
    for (byte[] key : t.keys()) {
      b.addKeys(ByteString.copyFrom(key));
    }
    return b.build();
  }

  @Override
  public void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> observer) {
    Replies.reply(server.leases(), observer, ids -> {
      LeaseLeasesResponse.Builder b = LeaseLeasesResponse.newBuilder()
          .setHeader(ProtoKv.header(server.header(server.currentRevision())));
      for (long id : ids) {
        b.addLeases(LeaseStatus.newBuilder().setID(id));
      }
      return b.build();
    });
  }

  /**
   * Each request renews one lease and is answered with its full TTL; a lease that does not exist
   * (or expired) is answered with TTL 0, as etcd does, and the stream stays open. When the client
   * half-closes, the stream ends once every request it sent has been answered (etcd answers each
   * request before reading the next, so a client that sends one request and closes, as the JSON
   * gateway does, still gets its answer).
   */
  @Override
  public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> observer) {
    return new StreamObserver<>() {
      private boolean closed; // guarded by observer
      private boolean halfClosed; // guarded by observer
      private int pending; // guarded by observer

      @Override
      public void onNext(LeaseKeepAliveRequest request) {
        long id = request.getID();
        synchronized (observer) {
          pending++;
        }
        // etcd fills the header before renewing, so its revision is never later than the renewal
        // (a lease revoked at revision 3 is never seen renewed at revision 4)
        io.etcd.jetcd.api.ResponseHeader header = ProtoKv.header(server.header(server.currentRevision()));
        server.leaseRenew(id).whenComplete((ttl, error) -> {
          long answer = ttl == null ? 0 : ttl;
          if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (!(cause instanceof EtcdException e) || e.error() != EtcdError.LEASE_NOT_FOUND) {
              synchronized (observer) {
                pending--;
                if (!closed) {
                  closed = true;
                  observer.onError(GrpcErrors.toStatus(cause));
                }
              }
              return;
            }
          }
          LeaseKeepAliveResponse response = LeaseKeepAliveResponse.newBuilder()
              .setHeader(header).setID(id).setTTL(answer).build();
          synchronized (observer) {
            pending--;
            if (!closed) {
              observer.onNext(response);
              completeIfDone();
            }
          }
        });
      }

      /** Ends the stream once the client has half-closed and every request is answered. */
      private void completeIfDone() {
        if (halfClosed && pending == 0 && !closed) {
          closed = true;
          observer.onCompleted();
        }
      }

      @Override
      public void onError(Throwable t) {
        synchronized (observer) {
          closed = true; // the client went away
        }
      }

      @Override
      public void onCompleted() {
        synchronized (observer) {
          halfClosed = true;
          completeIfDone();
        }
      }
    };
  }
}
