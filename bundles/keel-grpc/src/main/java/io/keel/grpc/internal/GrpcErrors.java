package io.keel.grpc.internal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.StatusCode;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one table from Keel's errors to gRPC statuses (etcd's {@code toGRPCErrorMap}): the code and
 * message of every {@link EtcdError} go on the wire unchanged. Anything else is a bug on our side:
 * it is logged and answered as etcd answers an unexpected error, with code Unknown.
 */
public final class GrpcErrors {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);
  private static final Map<EtcdError, Status> STATUSES = new EnumMap<>(EtcdError.class);

  static {
    for (EtcdError e : EtcdError.values()) {
      STATUSES.put(e, Status.fromCode(code(e.code())).withDescription(e.message()));
    }
  }

  private GrpcErrors() {}

  static Status.Code code(StatusCode code) {
    return Status.Code.valueOf(code.name());
  }

  /** The gRPC status a client sees for {@code error}. */
  public static Status status(EtcdError error) {
    return STATUSES.get(error);
  }

  /**
   * A failure as etcd's lock and election servers report it: they call their own member through
   * clientv3, whose errors reach their gRPC handler as plain Go errors, so every etcd error goes
   * out with code Unknown and its message unchanged (e.g. a lock with an unknown lease: code 2,
   * "etcdserver: requested lease not found").
   */
  public static StatusRuntimeException toClientStatus(Throwable t) {
    StatusRuntimeException s = toStatus(t);
    Status.Code code = s.getStatus().getCode();
    return code == Status.Code.UNKNOWN || code == Status.Code.CANCELLED ? s
        : Status.UNKNOWN.withDescription(s.getStatus().getDescription()).asRuntimeException();
  }

  /** The exception to hand to a StreamObserver for any failure of a request. */
  public static StatusRuntimeException toStatus(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof EtcdException e) {
      return status(e.error()).asRuntimeException();
    }
    if (cause instanceof StatusRuntimeException s) {
      return s;
    }
    if (cause instanceof io.keel.grpc.internal.recipes.RecipeException r) {
      return Status.UNKNOWN.withDescription(r.getMessage()).asRuntimeException(); // etcd's plain errors
    }
    if (cause instanceof java.util.concurrent.CancellationException) {
      return Status.CANCELLED.withDescription("context canceled").asRuntimeException();
    }
    LOG.error("unexpected failure serving a request", cause);
    return Status.UNKNOWN.withDescription(String.valueOf(cause.getMessage())).asRuntimeException();
  }
}
