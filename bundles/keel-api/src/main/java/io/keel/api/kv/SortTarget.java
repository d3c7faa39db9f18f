package io.keel.api.kv;

/** etcd's {@code RangeRequest.SortTarget}, same ordinals. */
public enum SortTarget { KEY, VERSION, CREATE, MOD, VALUE }
