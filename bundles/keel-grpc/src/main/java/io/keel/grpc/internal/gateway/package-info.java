/**
 * etcd's grpc-gateway: the HTTP/1.1 JSON API ({@code /v3/...}), {@code /health} and {@code /version}
 * on the same port as gRPC. A protocol sniffer splits each new connection between grpc-java's
 * HTTP/2 transport and a small netty HTTP/1.1 pipeline whose requests are dispatched to the very
 * gRPC service definitions the server registered.
 */
package io.keel.grpc.internal.gateway;
