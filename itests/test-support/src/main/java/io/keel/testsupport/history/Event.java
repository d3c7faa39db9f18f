package io.keel.testsupport.history;

import java.util.Objects;

/**
 * One event a watcher received: the revision of the write, the key, and either the value put or a
 * delete (value null). One revision carries several events when one txn wrote several keys.
 */
public record Event(long revision, String key, boolean delete, String value) {
  public Event {
    Objects.requireNonNull(key, "key");
  }

  public static Event put(long revision, String key, String value) {
    return new Event(revision, key, false, Objects.requireNonNull(value, "value"));
  }

  public static Event delete(long revision, String key) {
    return new Event(revision, key, true, null);
  }

  /** E.g. {@code rev 12 PUT "k" = "v"}, for problem reports. */
  String text() {
    return "rev " + revision + (delete ? " DELETE " + OpText.value(key)
        : " PUT " + OpText.value(key) + " = " + OpText.value(value));
  }
}
