package io.keel.api;

/** An active alarm (etcd's {@code AlarmMember}): which member raised which alarm. */
public record Alarm(long memberId, Type type) {

  /** etcd's {@code AlarmType}, same ordinals. */
  public enum Type { NONE, NOSPACE, CORRUPT }
}
