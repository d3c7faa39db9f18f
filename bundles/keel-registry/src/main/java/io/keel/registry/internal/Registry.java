package io.keel.registry.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.api.Kv;
import io.keel.api.Leases;
import io.keel.api.Watchable;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.function.LongSupplier;

/** The registry on one member: its store, its change index, its check runner and the node it answers as. */
public final class Registry implements AutoCloseable {
  private final ObjectMapper mapper = new ObjectMapper();
  private final RegistryStore store;
  private final ChangeIndex index;
  private final CheckRunner runner;
  private final Registration registration = new Registration(mapper);
  private final ConsulViews views = new ConsulViews(mapper);
  private final String node;
  private final String nodeAddress;
  private final long memberId;
  private final LongSupplier wallClockMs;

  public Registry(Kv kv, Watchable watchable, Leases leases, long memberId, String node, String nodeAddress,
      LongSupplier wallClockMs) {
    this.store = new RegistryStore(kv, mapper);
    this.index = new ChangeIndex(watchable);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NORMAL).build();
    this.runner = new CheckRunner(store, leases, new Probes(http), memberId, wallClockMs);
    this.memberId = memberId;
    this.node = node;
    this.nodeAddress = nodeAddress;
    this.wallClockMs = wallClockMs;
  }

  public Registry start() {
    index.start();
    runner.start();
    return this;
  }

  public ObjectMapper mapper() {
    return mapper;
  }

  public ChangeIndex index() {
    return index;
  }

  public ConsulViews views() {
    return views;
  }

  public String node() {
    return node;
  }

  public String nodeAddress() {
    return nodeAddress;
  }

  public Snapshot snapshot() {
    return store.snapshot();
  }

  /** PUT /v1/agent/service/register: validated, then stored with this member as its owner. */
  public long register(byte[] body) {
    ServiceDefinition def = registration.parse(body, node, nodeAddress);
    return store.register(def, memberId, runner.lease(), wallClockMs.getAsLong());
  }

  public void deregister(String serviceId) {
    if (!store.deregister(serviceId)) {
      throw new BadRequest(404, "Unknown service ID \"" + serviceId + "\". Ensure that the service ID is passed, not the service name.");
    }
  }

  /** PUT /v1/agent/check/pass|warn|fail/&lt;id&gt;: sets a TTL check's status and restarts its TTL. */
  public void updateTtl(String checkId, HealthStatus status, String note) {
    CheckState state = store.check(checkId);
    Instance instance = state == null ? null : store.instance(state.serviceId());
    CheckDefinition def = instance == null ? null : instance.service().checks().stream()
        .filter(c -> c.checkId().equals(checkId)).findFirst().orElse(null);
    if (def == null) {
      throw new BadRequest(404, "Unknown check ID \"" + checkId + "\". Ensure that the check ID is passed, not the check name.");
    }
    if (def.kind() != CheckKind.TTL) {
      throw new BadRequest(500, "CheckID \"" + checkId + "\" does not have associated TTL");
    }
    long now = wallClockMs.getAsLong();
    store.putCheck(state.to(status, note, now + def.ttlMs(), now));
  }

  @Override
  public void close() {
    runner.close();
    index.close();
  }
}
