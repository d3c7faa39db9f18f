/** The etcd v3 gRPC services over a {@link io.keel.api.KeelServer}: proto mapping, errors, the server; no OSGi. */
package io.keel.grpc.internal;
