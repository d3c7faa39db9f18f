package io.keel.bootstrap.internal.discovery;

import java.io.IOException;

/**
 * A failure of a discovery protocol (v2 or v3): {@code reason} is etcd's error text
 * (ErrFullCluster's "discovery: cluster is full" ...), the message what a member prints as it exits.
 */
public final class DiscoveryException extends IOException {
  public final String reason;

  DiscoveryException(String reason, String detail) {
    super("failed to join discovery cluster (" + reason + ")" + (detail == null ? "" : ": " + detail));
    this.reason = reason;
  }
}
