package io.keel.registry.internal;

import java.util.List;
import java.util.Map;

/** The registry as one member read it at one revision: instances by ID order, and each service ID's owner. */
public record Snapshot(long revision, List<Instance> instances, Map<String, Long> owners) {}
