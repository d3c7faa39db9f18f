package io.keel.console.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keel.api.EtcdError;
import io.keel.api.EtcdException;

/**
 * An answer other than 200: the HTTP status, a machine-readable code (etcd's gRPC code name for
 * etcd's errors, else the console's own), the message shown to the user (etcd's text letter for
 * letter when etcd has one), and optional extra fields (a conflict carries both versions).
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;
  private final transient ObjectNode extra;

  public ApiException(int status, String code, String message, ObjectNode extra) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }

  public ApiException(int status, String code, String message) {
    this(status, code, message, null);
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "INVALID_ARGUMENT", message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "NOT_FOUND", message);
  }

  /** etcd's error as the console answers it; 401 for the ones that mean "sign in (again)". */
  public static ApiException of(EtcdException e) {
    EtcdError error = e.error();
    int status = switch (error) {
      case USER_EMPTY, INVALID_AUTH_TOKEN, AUTH_FAILED -> 401;
      default -> switch (error.code()) {
        case PERMISSION_DENIED -> 403;
        case NOT_FOUND -> 404;
        case FAILED_PRECONDITION -> 412;
        case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED -> 503;
        case OUT_OF_RANGE -> 410;
        case UNAUTHENTICATED -> 401;
        default -> 400;
      };
    };
    return new ApiException(status, error.code().name(), error.message());
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** Extra fields for the JSON answer, or null. */
  public ObjectNode extra() {
    return extra;
  }
}
