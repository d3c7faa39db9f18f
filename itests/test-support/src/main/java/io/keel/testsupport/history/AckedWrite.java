package io.keel.testsupport.history;

import java.util.Objects;

/**
 * A write whose success answer a client received, with the answer's header revision: etcd made it at
 * that revision, so a watcher that got past the revision must have seen it. A delete that removed
 * nothing makes no event (etcd does not even raise the revision) and is not an AckedWrite.
 */
public record AckedWrite(String key, long revision, boolean delete, String value) {
  public AckedWrite {
    Objects.requireNonNull(key, "key");
  }

  public static AckedWrite put(String key, long revision, String value) {
    return new AckedWrite(key, revision, false, Objects.requireNonNull(value, "value"));
  }

  public static AckedWrite delete(String key, long revision) {
    return new AckedWrite(key, revision, true, null);
  }

  /** The event a watcher must have received for this write. */
  Event event() {
    return new Event(revision, key, delete, value);
  }
}
