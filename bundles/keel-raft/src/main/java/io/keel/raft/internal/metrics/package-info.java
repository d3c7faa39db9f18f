/** The member's etcd_server_*, etcd_mvcc_*, etcd_disk_* and keel_* numbers, recorded on the hot paths with adders. */
package io.keel.raft.internal.metrics;
