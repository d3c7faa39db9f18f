package io.keel.raft.internal.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.Member;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** etcd's checks on member add and update, decided on the member list alone. */
class MemberChecksTest {
  static final List<Member> CLUSTER = List.of(
      new Member(1, "a", List.of("http://10.0.0.1:2380"), List.of(), false),
      new Member(2, "b", List.of("http://10.0.0.2:2380"), List.of(), false));

  static EtcdError error(Runnable check) {
    return assertThrows(EtcdException.class, check::run).error();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.3:2380", "http://10.0.0.3", "http://:2380", "http://[bad"})
  void malformedPeerUrlsAreRefused(String url) {
    assertEquals(EtcdError.MEMBER_BAD_URLS, error(() -> MemberChanges.checkAdd(CLUSTER, List.of(url), false)));
    assertEquals(EtcdError.MEMBER_BAD_URLS, error(() -> MemberChanges.checkUpdate(CLUSTER, 2, List.of(url))));
  }

  @Test
  void noPeerUrlsAtAllIsRefused() {
    assertEquals(EtcdError.MEMBER_BAD_URLS, error(() -> MemberChanges.checkAdd(CLUSTER, List.of(), false)));
  }

  @Test
  void aPeerUrlAnotherMemberHasIsRefused() {
    assertEquals(EtcdError.PEER_URL_EXIST,
        error(() -> MemberChanges.checkAdd(CLUSTER, List.of("http://10.0.0.2:2380"), false)));
    assertEquals(EtcdError.PEER_URL_EXIST,
        error(() -> MemberChanges.checkUpdate(CLUSTER, 1, List.of("http://10.0.0.2:2380"))));
  }

  @Test
  void aMemberMayBeUpdatedToItsOwnUrls() {
    assertEquals(List.of(URI.create("http://10.0.0.2:2380")),
        MemberChanges.checkUpdate(CLUSTER, 2, List.of("http://10.0.0.2:2380")));
  }

  @Test
  void updatingAnUnknownMemberIsRefused() {
    assertEquals(EtcdError.MEMBER_NOT_FOUND,
        error(() -> MemberChanges.checkUpdate(CLUSTER, 9, List.of("http://10.0.0.9:2380"))));
  }

  @Test
  void onlyOneLearnerAtATime() {
    List<Member> withLearner = List.of(CLUSTER.get(0), CLUSTER.get(1),
        new Member(3, "c", List.of("http://10.0.0.3:2380"), List.of(), true));
    assertEquals(EtcdError.TOO_MANY_LEARNERS,
        error(() -> MemberChanges.checkAdd(withLearner, List.of("http://10.0.0.4:2380"), true)));
    assertEquals(List.of(URI.create("http://10.0.0.4:2380")),
        MemberChanges.checkAdd(withLearner, List.of("http://10.0.0.4:2380"), false), "a voter may still join");
  }
}
