package io.keel.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading what etcdctl 3.4 prints (samples taken from etcdctl 3.4.23 against etcd 3.4). */
class EtcdctlResultTest {

  @Test
  void membersAndUnsignedIdsComeFromJson() {
    Etcdctl.Result r = new Etcdctl.Result(0, "{\"header\":{\"cluster_id\":15118495548433857066,\"member_id\":"
        + "13668033151171901709,\"raft_term\":2},\"members\":[{\"ID\":2651741483021783300,\"peerURLs\":"
        + "[\"http://127.0.0.1:23999\"],\"isLearner\":true},{\"ID\":13668033151171901709,\"name\":\"e1\","
        + "\"peerURLs\":[\"http://127.0.0.1:23801\"],\"clientURLs\":[\"http://127.0.0.1:23791\"]}]}", "");
    List<Member> members = Etcdctl.members(r.json().path("members"));
    assertEquals(List.of(new Member(2651741483021783300L, "", List.of("http://127.0.0.1:23999"), List.of(), true),
        new Member(Long.parseUnsignedLong("13668033151171901709"), "e1", List.of("http://127.0.0.1:23801"),
            List.of("http://127.0.0.1:23791"), false)), members);
    assertEquals("bdae9bbc11dd390d", members.get(1).idHex());
  }

  @Test
  void theErrorLineAndTheServerAnswersOfRetriedAttempts() {
    Etcdctl.Result r = new Etcdctl.Result(1, "", String.join("\n",
        "{\"level\":\"warn\",\"ts\":\"2026-12-02T06:48:55.011Z\",\"caller\":\"clientv3/retry_interceptor.go:62\","
            + "\"msg\":\"retrying of unary invoker failed\",\"target\":\"endpoint://client-8/127.0.0.1:23791\","
            + "\"attempt\":0,\"error\":\"rpc error: code = Unavailable desc = etcdserver: request timed out\"}",
        "{\"level\":\"warn\",\"msg\":\"retrying of unary invoker failed\",\"attempt\":1,"
            + "\"error\":\"rpc error: code = DeadlineExceeded desc = context deadline exceeded\"}",
        "Error: context deadline exceeded"));
    assertEquals("context deadline exceeded", r.error());
    assertEquals(List.of("etcdserver: request timed out", "context deadline exceeded"), r.retriedErrors());
  }

  @Test
  void printedTextIsNoJson() {
    assertThrows(AssertionError.class, () -> new Etcdctl.Result(0, "OK", "").json());
  }

  @Test
  void statusReadsTheLeaderFromTheEndpointStatus() {
    MemberStatus leader = new MemberStatus(7, 7, 2, false);
    MemberStatus follower = new MemberStatus(8, 7, 2, false);
    assertTrue(leader.isLeader());
    assertEquals(false, follower.isLeader());
    assertEquals(false, new MemberStatus(0, 0, 0, false).isLeader(), "no member ID, no leader");
  }
}
