/** A Keel member on SOFAJRaft: {@link io.keel.raft.RaftNode} serves the keel-api endpoints ({@link io.keel.api.Kv} ...) through the log. */
package io.keel.raft;
