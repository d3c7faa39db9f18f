package io.keel.bootstrap.internal.discovery;

import java.io.IOException;
import java.util.List;

/**
 * The three v2 keys requests etcd's discovery makes of the discovery service (get, create with
 * prevExist=false, wait); over HTTP in {@link HttpDiscoveryKeys}, fakes in tests. Keys are absolute
 * paths under the service's URL (the discovery URL's path is the token directory).
 */
public interface DiscoveryKeys {

  /** A v2 node as the keys API returns it; {@code nodes} only for a directory listing. */
  record Node(String key, String value, long createdIndex, long modifiedIndex, List<Node> nodes) {}

  /** A successful answer: the node, and the store index at the time (X-Etcd-Index). */
  record Response(String action, Node node, long index) {}

  /** The service answered with a v2 error (errorCode 100 "Key not found", 105 "Key already exists" ...). */
  final class V2Error extends Exception {
    public final int errorCode;

    public V2Error(int errorCode, String message) {
      super(message + " (errorCode " + errorCode + ")");
      this.errorCode = errorCode;
    }
  }

  /** The service cannot be reached, or answered 5xx: etcd's client.ClusterError, retried with back-off. */
  final class Unavailable extends IOException {
    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The service answered something that is not the v2 keys API (etcd's client.ErrInvalidJSON). */
  final class InvalidJson extends IOException {
    public InvalidJson(String message) {
      super(message);
    }
  }

  Response get(String key) throws IOException, V2Error;

  Response create(String key, String value) throws IOException, V2Error;

  /** Waits for the first change at or after {@code waitIndex} under {@code key}. */
  Response waitFor(String key, long waitIndex, boolean recursive) throws IOException, V2Error;
}
