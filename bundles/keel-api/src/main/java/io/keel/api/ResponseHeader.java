package io.keel.api;

/** etcd's {@code ResponseHeader}: which cluster and member answered, at which revision and term. */
public record ResponseHeader(long clusterId, long memberId, long revision, long raftTerm) {}
