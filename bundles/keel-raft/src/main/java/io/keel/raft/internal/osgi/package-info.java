/** Declarative Services wiring: configuration in, a started {@link io.keel.raft.RaftNode} registered as KeelServer. */
package io.keel.raft.internal.osgi;
