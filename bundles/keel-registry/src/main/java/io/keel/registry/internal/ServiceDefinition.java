package io.keel.registry.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** A validated registration, as stored under {@link RegistryKeys#SERVICES} (Consul's field names). */
public record ServiceDefinition(
    @JsonProperty("ID") String id,
    @JsonProperty("Service") String name,
    @JsonProperty("Tags") List<String> tags,
    @JsonProperty("Address") String address,
    @JsonProperty("Port") int port,
    @JsonProperty("Meta") Map<String, String> meta,
    @JsonProperty("Checks") List<CheckDefinition> checks,
    @JsonProperty("Node") String node,
    @JsonProperty("NodeAddress") String nodeAddress) {

  public ServiceDefinition {
    tags = List.copyOf(tags);
    meta = Map.copyOf(meta);
    checks = List.copyOf(checks);
  }
}
