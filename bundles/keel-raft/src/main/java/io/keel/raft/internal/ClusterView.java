package io.keel.raft.internal;

import io.keel.api.Member;
import java.util.List;

/** What any member tells a joining one: the cluster's ID and its members (etcd's cluster from remote peers). */
public record ClusterView(long clusterId, List<Member> members) {}
