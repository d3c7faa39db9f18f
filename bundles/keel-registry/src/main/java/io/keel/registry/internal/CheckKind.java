package io.keel.registry.internal;

/** The check kinds Keel runs (Consul also has Script, gRPC, Docker, H2PING and alias checks: refused). */
public enum CheckKind { HTTP, TCP, TTL }
