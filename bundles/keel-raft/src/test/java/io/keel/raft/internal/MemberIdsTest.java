package io.keel.raft.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemberIdsTest {

  @Test
  void defaultSingleMemberHasEtcdsWellKnownIds() {
    // A fresh `etcd` with no flags reports member 8e9e05c52164694d in cluster cdf818194e3a8c32.
    long member = MemberIds.memberId(List.of(URI.create("http://localhost:2380")), "etcd-cluster");
    assertEquals("8e9e05c52164694d", Long.toHexString(member));
    assertEquals("cdf818194e3a8c32", Long.toHexString(MemberIds.clusterId(List.of(member))));
  }

  @Test
  void peerUrlOrderDoesNotMatter() {
    URI a = URI.create("http://10.0.0.1:2380");
    URI b = URI.create("http://10.0.0.2:2380");
    assertEquals(MemberIds.memberId(List.of(a, b), "t"), MemberIds.memberId(List.of(b, a), "t"));
  }

  @Test
  void tokenSeparatesClusters() {
    URI a = URI.create("http://10.0.0.1:2380");
    org.junit.jupiter.api.Assertions.assertNotEquals(MemberIds.memberId(List.of(a), "one"),
        MemberIds.memberId(List.of(a), "two"));
  }

  @Test
  void aMemberAddedAtRuntimeGetsEtcdsIdOfItsUrlsAndTheTime() {
    // etcd's NewMember("", urls, "", &now): SHA-1 over the sorted URLs, then the Unix seconds
    URI a = URI.create("http://10.0.0.1:2380");
    URI b = URI.create("http://10.0.0.2:2380");
    long id = io.keel.api.bootstrap.MemberIds.addedMemberId(List.of(b, a), 1_700_000_000L);
    assertEquals("110e931718b7c063", String.format("%016x", id));
    org.junit.jupiter.api.Assertions.assertNotEquals(id,
        io.keel.api.bootstrap.MemberIds.addedMemberId(List.of(a, b), 1_700_000_001L), "added again later: a new ID");
  }
}
