/** The etcd v3 gRPC services over the keel-api endpoint interfaces ({@link io.keel.api.Kv} ...): proto mapping, errors, the server; no OSGi. */
package io.keel.grpc.internal;
