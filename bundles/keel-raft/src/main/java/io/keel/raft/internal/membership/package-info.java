/**
 * etcd's runtime reconfiguration over jraft: the member table as the log records it, member
 * add/remove/promote/update, the leader's reconcile pass that brings jraft's configuration to the
 * table, leadership transfer and a removed member's stop. Plain Java over jraft.
 */
package io.keel.raft.internal.membership;
