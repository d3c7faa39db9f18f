package io.keel.mvcc;

import io.keel.api.kv.KeyValue;

/**
 * One retained version of a key as a snapshot holds it: the key-value (a tombstone has version 0,
 * create revision 0, no lease and an empty value) and its sub-revision, its position among the
 * changes of its revision.
 */
public record StoredVersion(KeyValue kv, int subRevision) {}
