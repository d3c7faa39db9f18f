package io.keel.api.lease;

/** A granted lease: its ID and the TTL it was granted with (raised to the minimum if asked for less). */
public record LeaseGrant(long revision, long id, long ttlSeconds) {}
