/**
 * etcd's server-side concurrency recipes (v3lock and v3election, which etcd 3.4 serves with its
 * clientv3/concurrency Mutex and Election over its own KV), written over the keel-api endpoints
 * with no thread held while waiting: waits are watches. No gRPC types here; the services in
 * {@code io.keel.grpc.internal} map requests and errors.
 */
package io.keel.grpc.internal.recipes;
