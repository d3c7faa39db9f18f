/**
 * etcd's Auth requests on this member: passwords hashed and checked off the transport threads,
 * auth store changes proposed through the log, reads served after a ReadIndex.
 */
package io.keel.raft.internal.auth;
