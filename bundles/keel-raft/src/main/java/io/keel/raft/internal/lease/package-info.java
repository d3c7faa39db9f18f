/**
 * The raft side of leases: carrying the {@link io.keel.mvcc.Lessor}'s grants, revokes and
 * checkpoints through the log and its renewals and clock readings to the leader. Plain Java.
 */
package io.keel.raft.internal.lease;
