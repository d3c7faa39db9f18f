/**
 * The ways into the log: one propose/route path (here when leading, forwarded to the leader when
 * following, a bounded wait when there is no leader) and ReadIndex reads. Plain Java over jraft.
 */
package io.keel.raft.internal.propose;
