/**
 * etcd's v2 store (enable-v2) in plain Java: the tree of keys and directories, TTLs, the last 1000
 * events and the watchers; changed only by the applier, from the Raft log, and saved in snapshots.
 */
package io.keel.raft.internal.v2store;
