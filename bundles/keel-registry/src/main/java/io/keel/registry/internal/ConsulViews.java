package io.keel.registry.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The catalog, health and agent answers in Consul's JSON shapes (the fields its API documents and
 * Prometheus' consul_sd reads), from one {@link Snapshot}. Keel has one datacenter, {@link #DATACENTER},
 * and each member is a Consul node named after the member.
 */
public final class ConsulViews {
  public static final String DATACENTER = "dc1";

  private final ObjectMapper mapper;

  public ConsulViews(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** GET /v1/catalog/services: each service name with the union of its instances' tags. */
  public ObjectNode services(Snapshot s) {
    Map<String, TreeSet<String>> names = new TreeMap<>();
    for (Instance i : s.instances()) {
      names.computeIfAbsent(i.service().name(), k -> new TreeSet<>()).addAll(i.service().tags());
    }
    ObjectNode out = mapper.createObjectNode();
    names.forEach((name, tags) -> tags.forEach(out.putArray(name)::add));
    return out;
  }

  /** GET /v1/catalog/service/&lt;name&gt; */
  public ArrayNode catalogService(Snapshot s, String name, List<String> tags) {
    ArrayNode out = mapper.createArrayNode();
    for (Instance i : matching(s, name, tags, false)) {
      ServiceDefinition d = i.service();
      ObjectNode n = out.addObject();
      n.put("ID", "");
      n.put("Node", d.node());
      n.put("Address", d.nodeAddress());
      n.put("Datacenter", DATACENTER);
      n.putObject("TaggedAddresses");
      n.putObject("NodeMeta");
      n.put("ServiceKind", "");
      n.put("ServiceID", d.id());
      n.put("ServiceName", d.name());
      d.tags().forEach(n.putArray("ServiceTags")::add);
      n.put("ServiceAddress", d.address());
      n.putObject("ServiceTaggedAddresses");
      n.put("ServicePort", d.port());
      ObjectNode meta = n.putObject("ServiceMeta");
      d.meta().forEach(meta::put);
      n.put("ServiceEnableTagOverride", false);
      n.put("CreateIndex", i.createIndex());
      n.put("ModifyIndex", i.modifyIndex());
    }
    return out;
  }

  /** GET /v1/health/service/&lt;name&gt;[?passing]: {Node, Service, Checks} per instance. */
  public ArrayNode healthService(Snapshot s, String name, List<String> tags, boolean passingOnly) {
    ArrayNode out = mapper.createArrayNode();
    for (Instance i : matching(s, name, tags, passingOnly)) {
      ServiceDefinition d = i.service();
      ObjectNode e = out.addObject();
      ObjectNode node = e.putObject("Node");
      node.put("ID", "");
      node.put("Node", d.node());
      node.put("Address", d.nodeAddress());
      node.put("Datacenter", DATACENTER);
      node.putObject("TaggedAddresses");
      node.putObject("Meta");
      ObjectNode svc = e.putObject("Service");
      service(svc, d);
      svc.put("CreateIndex", i.createIndex());
      svc.put("ModifyIndex", i.modifyIndex());
      ArrayNode checks = e.putArray("Checks");
      for (CheckState c : i.checks()) {
        ObjectNode n = checks.addObject();
        n.put("Node", d.node());
        n.put("CheckID", c.checkId());
        n.put("Name", d.checks().stream().filter(x -> x.checkId().equals(c.checkId())).map(CheckDefinition::name)
            .findFirst().orElse(c.checkId()));
        n.put("Status", c.status().wire());
        n.put("Notes", "");
        n.put("Output", c.output());
        n.put("ServiceID", d.id());
        n.put("ServiceName", d.name());
        d.tags().forEach(n.putArray("ServiceTags")::add);
        n.put("Type", d.checks().stream().filter(x -> x.checkId().equals(c.checkId()))
            .map(x -> x.kind().name().toLowerCase(java.util.Locale.ROOT)).findFirst().orElse(""));
      }
    }
    return out;
  }

  /** GET /v1/agent/services: every registration by ID (Keel's agent is the whole cluster). */
  public ObjectNode agentServices(Snapshot s) {
    ObjectNode out = mapper.createObjectNode();
    for (Instance i : s.instances()) {
      service(out.putObject(i.service().id()), i.service());
    }
    return out;
  }

  /** GET /v1/agent/self: enough for clients that read the agent's datacenter and node name (Prometheus does). */
  public ObjectNode agentSelf(String node, String address) {
    ObjectNode out = mapper.createObjectNode();
    ObjectNode config = out.putObject("Config");
    config.put("Datacenter", DATACENTER);
    config.put("NodeName", node);
    config.put("Server", true);
    config.put("Version", "keel");
    ObjectNode member = out.putObject("Member");
    member.put("Name", node);
    member.put("Addr", address);
    return out;
  }

  private void service(ObjectNode svc, ServiceDefinition d) {
    svc.put("ID", d.id());
    svc.put("Service", d.name());
    d.tags().forEach(svc.putArray("Tags")::add);
    svc.put("Address", d.address());
    ObjectNode meta = svc.putObject("Meta");
    d.meta().forEach(meta::put);
    svc.put("Port", d.port());
    svc.put("EnableTagOverride", false);
    svc.put("Datacenter", DATACENTER);
  }

  private static List<Instance> matching(Snapshot s, String name, List<String> tags, boolean passingOnly) {
    return s.instances().stream()
        .filter(i -> i.service().name().equals(name))
        .filter(i -> i.service().tags().containsAll(tags))
        .filter(i -> !passingOnly || i.health() == HealthStatus.PASSING)
        .toList();
  }
}
