/** Declarative Services wiring: configuration and a KeelServer in, a listening gRPC server out. */
package io.keel.grpc.internal.osgi;
