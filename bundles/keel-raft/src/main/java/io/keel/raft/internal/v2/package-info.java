/** The Raft side of etcd's v2 store: writes proposed through the log, reads (optionally after a ReadIndex), the leader's SYNC. */
package io.keel.raft.internal.v2;
