/**
 * etcd's Maintenance side of a member: status, alarms, hash, defragment, backup, and when jraft
 * snapshots are taken. Plain Java over jraft.
 */
package io.keel.raft.internal.maintenance;
