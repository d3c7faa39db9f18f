package io.keel.api;

import java.util.List;

/** What {@code Maintenance.Status} reports about this member (etcd's {@code StatusResponse}). */
public record ServerStatus(
    String version,
    long dbSize,
    long dbSizeInUse,
    long leader,
    long raftIndex,
    long raftTerm,
    long raftAppliedIndex,
    boolean isLearner,
    List<String> errors) {}
