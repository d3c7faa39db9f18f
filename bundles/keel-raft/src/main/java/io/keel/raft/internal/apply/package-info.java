/**
 * The applier chain, as etcd's {@code etcdserver/apply}: what a committed command does to the
 * state, decided by a base applier wrapped in decorators that may refuse it (capped under NOSPACE,
 * quota); auth wraps the chain next. Plain Java, no jraft.
 */
package io.keel.raft.internal.apply;
