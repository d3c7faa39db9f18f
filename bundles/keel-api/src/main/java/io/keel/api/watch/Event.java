package io.keel.api.watch;

import io.keel.api.kv.KeyValue;

/**
 * etcd's {@code mvccpb.Event}. A DELETE's {@code kv} holds the key and the deletion revision as its
 * mod_revision, nothing else. {@code prevKv} is the key's version before this change, or null.
 */
public record Event(Type type, KeyValue kv, KeyValue prevKv) {

  /** etcd's {@code Event.EventType}, same ordinals. */
  public enum Type { PUT, DELETE }
}
