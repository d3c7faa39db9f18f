/** Declarative Services wiring: configuration in, a started {@link io.keel.raft.RaftNode} registered under the keel-api endpoint interfaces. */
package io.keel.raft.internal.osgi;
