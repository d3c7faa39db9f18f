/**
 * etcd's auth store in plain Java ({@code auth/store.go}, {@code range_perm_cache.go},
 * {@code simple_token.go}, {@code jwt.go}): the replicated state (users, roles, permissions,
 * enabled flag, auth revision) with the rules of each change, the permission checks, bcrypt
 * passwords, the per-member simple tokens and signed JWTs. No raft, no gRPC: keel-raft applies the changes in log order and
 * keel-grpc asks the checks through keel-api's {@code Auth}.
 */
package io.keel.auth;
