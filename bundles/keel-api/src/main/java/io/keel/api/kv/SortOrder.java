package io.keel.api.kv;

/** etcd's {@code RangeRequest.SortOrder}, same ordinals. */
public enum SortOrder { NONE, ASCEND, DESCEND }
