package io.keel.grpc.internal.gateway;

import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;

/**
 * grpc-gateway v1's {@code HTTPStatusFromCode}, as etcd 3.4 ships it (note FailedPrecondition is
 * 412 there, not 400).
 */
final class HttpStatuses {
  private HttpStatuses() {}

  static HttpResponseStatus of(Status.Code code) {
    return switch (code) {
      case OK -> HttpResponseStatus.OK;
      case CANCELLED -> HttpResponseStatus.REQUEST_TIMEOUT;
      case UNKNOWN, INTERNAL, DATA_LOSS -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
      case INVALID_ARGUMENT, OUT_OF_RANGE -> HttpResponseStatus.BAD_REQUEST;
      case DEADLINE_EXCEEDED -> HttpResponseStatus.GATEWAY_TIMEOUT;
      case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
      case ALREADY_EXISTS, ABORTED -> HttpResponseStatus.CONFLICT;
      case PERMISSION_DENIED -> HttpResponseStatus.FORBIDDEN;
      case UNAUTHENTICATED -> HttpResponseStatus.UNAUTHORIZED;
      case RESOURCE_EXHAUSTED -> HttpResponseStatus.TOO_MANY_REQUESTS;
      case FAILED_PRECONDITION -> HttpResponseStatus.PRECONDITION_FAILED;
      case UNIMPLEMENTED -> HttpResponseStatus.NOT_IMPLEMENTED;
      case UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
    };
  }
}
