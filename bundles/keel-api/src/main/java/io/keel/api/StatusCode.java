package io.keel.api;

/**
 * The canonical gRPC status codes, by name, so that keel-api can say which code an error carries
 * without depending on grpc-java. keel-grpc maps them one to one with {@code io.grpc.Status.Code}.
 */
public enum StatusCode {
  OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS,
  PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE,
  UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED
}
