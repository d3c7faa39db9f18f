/**
 * A member's start-up (etcd's bootstrap.go): data dirs, who the member is, restore seeding, jraft's
 * options, the peer port. The membership decision is an interface ({@link
 * io.keel.raft.internal.bootstrap.InitialMembership}) so other strategies (DNS SRV, discovery) can
 * decide it.
 */
package io.keel.raft.internal.bootstrap;
