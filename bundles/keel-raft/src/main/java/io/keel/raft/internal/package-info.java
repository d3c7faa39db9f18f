/** The jraft state machine, log entry codec and member identities; plain Java, no OSGi. */
package io.keel.raft.internal;
