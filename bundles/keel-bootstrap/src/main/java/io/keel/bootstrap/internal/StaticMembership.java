package io.keel.bootstrap.internal;

import io.keel.api.bootstrap.InitialMembership;
import io.keel.api.config.KeelConfig;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** etcd's static bootstrap: initial-cluster as configured (or etcd's default, this member alone). */
public final class StaticMembership implements InitialMembership {
  @Override
  public Map<String, List<URI>> initialCluster(KeelConfig config) {
    return config.initialCluster();
  }
}
