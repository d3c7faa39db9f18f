package io.keel.testsupport;

import java.util.List;

/** A cluster member as etcd's member list shows it (the ID is etcd's unsigned 64-bit number, in a long). */
public record Member(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {
  /** The ID in hex, as etcdctl prints it and takes it. */
  public String idHex() {
    return Long.toHexString(id);
  }
}
