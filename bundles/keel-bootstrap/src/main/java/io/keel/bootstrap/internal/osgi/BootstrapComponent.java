package io.keel.bootstrap.internal.osgi;

import io.keel.api.bootstrap.InitialMembership;
import io.keel.api.config.KeelConfig;
import io.keel.bootstrap.internal.Strategies;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** Offers the bootstrap strategies to keel-raft; the member's configuration comes with each call. */
@Component(service = InitialMembership.class)
public final class BootstrapComponent implements InitialMembership {
  private final Strategies strategies = new Strategies();

  @Override
  public Map<String, List<URI>> initialCluster(KeelConfig config) throws IOException {
    return strategies.initialCluster(config);
  }
}
