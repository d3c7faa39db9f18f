/** Declarative Services wiring: configuration and the member's endpoint services in, a listening gRPC server out. */
package io.keel.grpc.internal.osgi;
