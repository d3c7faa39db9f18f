/** A Keel member on SOFAJRaft: {@link io.keel.raft.RaftNode} serves {@link io.keel.api.KeelServer} through the log. */
package io.keel.raft;
