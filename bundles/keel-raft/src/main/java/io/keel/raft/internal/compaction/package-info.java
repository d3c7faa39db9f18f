/** etcd's auto compaction (v3compactor): periodic and revision retention, run on the leader, compacting through the log. */
package io.keel.raft.internal.compaction;
