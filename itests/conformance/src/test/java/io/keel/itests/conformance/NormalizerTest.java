package io.keel.itests.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Each rule of {@link Normalizer} hides what it says, and keeps what it must compare. */
class NormalizerTest {

  private static final String MEMBER = "13668033151171901709"; // bdae9bbc11dd390d
  private static final String CLUSTER = "15118495548433857066";

  private final Normalizer n = new Normalizer(23791, 23801, "/tmp/work/etcd", MEMBER, CLUSTER);

  @Test
  void hidesIdsAndRaftFieldsButKeepsRevisionsAndValues() {
    String out = n.stdout("{\"header\":{\"cluster_id\":" + CLUSTER + ",\"member_id\":" + MEMBER
        + ",\"revision\":8,\"raft_term\":2},\"kvs\":[{\"key\":\"Zm9v\",\"create_revision\":8,\"mod_revision\":8,"
        + "\"version\":1,\"value\":\"YmFy\"}],\"count\":1}");
    assertEquals("{\"count\":1,\"header\":{\"cluster_id\":\"<CLUSTER>\",\"member_id\":\"<MEMBER>\",\"raft_term\":\"<RAFT>\","
        + "\"revision\":8},\"kvs\":[{\"create_revision\":8,\"key\":\"Zm9v\",\"mod_revision\":8,\"value\":\"YmFy\",\"version\":1}]}", out);
  }

  @Test
  void hidesMemberIdAndAddressesInText() {
    assertEquals("<MEMBER>, started, default, http://<PEER>, http://<CLIENT>, false",
        n.stdout("bdae9bbc11dd390d, started, default, http://127.0.0.1:23801, http://127.0.0.1:23791, false"));
    assertEquals("Snapshot saved at <DIR>/backup.db", n.stdout("Snapshot saved at /tmp/work/etcd/backup.db"));
  }

  @Test
  void namesLeasesInOrderOfGrantInHexAndDecimal() {
    n.learnGrant("lease 0bc7a2358650fe05 granted with TTL(60s)");
    n.learnGrant("{\"header\":{},\"ID\":\"848825405553049099\",\"TTL\":\"30\"}");
    assertEquals(new BigInteger("0bc7a2358650fe05", 16), n.lease(1));
    assertEquals(new BigInteger("848825405553049099"), n.lease(2));
    assertNull(n.lease(3));
    assertEquals("lease <LEASE_1> revoked", n.stdout("lease 0bc7a2358650fe05 revoked"));
    assertEquals("lease <LEASE_1> keepalived with TTL(60)", n.stdout("lease bc7a2358650fe05 keepalived with TTL(60)"));
    assertEquals("{\"kvs\":[{\"lease\":\"<LEASE_2>\"}]}", n.stdout("{\"kvs\":[{\"lease\":848825405553049099}]}"));
    assertEquals("lease 00000000075bcd15 revoked", n.stdout("lease 00000000075bcd15 revoked"), "an unknown lease stays raw");
  }

  @Test
  void namesTheSessionLeasesInLockAndElectionKeys() {
    n.learnSessionKeys("chair/694d7f1a2b3c4d5e\nalice\n");
    assertEquals(new BigInteger("694d7f1a2b3c4d5e", 16), n.lease(1));
    assertEquals("chair/<LEASE_1>\nalice", n.stdout("chair/694d7f1a2b3c4d5e\nalice\n"));
  }

  @Test
  void sortsLeaseListsAndLeaseKeys() {
    n.learnGrant("lease 0000000000aaaaaa granted with TTL(60s)");
    n.learnGrant("lease 0000000000bbbbbb granted with TTL(60s)");
    assertEquals("found 2 leases\n<LEASE_1>\n<LEASE_2>", n.stdout("found 2 leases\n0000000000bbbbbb\n0000000000aaaaaa\n"));
    assertEquals("{\"keys\":[\"YQ==\",\"Yg==\"]}", n.stdout("{\"keys\":[\"Yg==\",\"YQ==\"]}"));
  }

  @Test
  void remainingTtlWithinAQuarterOfGrantedOrFiveSecondsIsHiddenButNotBeyond() {
    n.learnGrant("lease 0000000000aaaaaa granted with TTL(60s)");
    assertEquals("lease <LEASE_1> granted with TTL(60s), remaining(<TTL_OK>)",
        n.stdout("lease 0000000000aaaaaa granted with TTL(60s), remaining(45s)"));
    assertEquals("lease <LEASE_1> granted with TTL(60s), remaining(44s)",
        n.stdout("lease 0000000000aaaaaa granted with TTL(60s), remaining(44s)"));
    assertEquals("lease <LEASE_1> granted with TTL(3s), remaining(<TTL_OK>)",
        n.stdout("lease 0000000000aaaaaa granted with TTL(3s), remaining(-2s)"));
    assertEquals("{\"granted-ttl\":60,\"ttl\":\"<TTL_OK>\"}", n.stdout("{\"ttl\":59,\"granted-ttl\":60}"));
    assertEquals("{\"TTL\":\"61\",\"grantedTTL\":\"60\"}", n.stdout("{\"TTL\":\"61\",\"grantedTTL\":\"60\"}"));
  }

  @Test
  void hidesSizesHashesTimingsAndReleaseButNotKeyVersions() {
    assertEquals("{\"dbSize\":\"<SIZE>\",\"hash\":\"<HASH>\",\"version\":\"<SERVER_VERSION>\"}",
        n.stdout("{\"dbSize\":20480,\"hash\":979305139,\"version\":\"3.4.23\"}"));
    assertEquals("{\"etcdcluster\":\"3.4.0\",\"etcdserver\":\"<SERVER_VERSION>\"}",
        n.stdout("{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}"));
    assertEquals("{\"kvs\":[{\"version\":\"2\"}]}", n.stdout("{\"kvs\":[{\"version\":\"2\"}]}"));
    assertEquals("<CLIENT> is healthy: successfully committed proposal: took = <DURATION>",
        n.stdout("127.0.0.1:23791 is healthy: successfully committed proposal: took = 84.413384ms"));
    assertEquals("\"RaftTerm\" : <RAFT>", n.stdout("\"RaftTerm\" : 2"));
    assertEquals("\"Revision\" : 2", n.stdout("\"Revision\" : 2"));
  }

  @Test
  void printsOneWatchEventPerLineAndDropsTheBatchHeader() {
    String batch = "{\"Header\":{\"revision\":4},\"Events\":[{\"kv\":{\"key\":\"YQ==\"}},{\"type\":1,\"kv\":{\"key\":\"Yg==\"}}],"
        + "\"CompactRevision\":0,\"Canceled\":false,\"Created\":false}";
    assertEquals("{\"event\":{\"kv\":{\"key\":\"YQ==\"}}}\n{\"event\":{\"kv\":{\"key\":\"Yg==\"},\"type\":1}}", n.stdout(batch));
    assertEquals("{\"event\":{\"kv\":{\"key\":\"YQ==\"}}}",
        n.stdout("{\"result\":{\"header\":{\"revision\":\"4\"},\"events\":[{\"kv\":{\"key\":\"YQ==\"}}]}}"));
    assertEquals("{\"result\":{\"created\":true,\"header\":{\"revision\":\"4\"}}}",
        n.stdout("{\"result\":{\"header\":{\"revision\":\"4\"},\"created\":true}}"), "a response without events keeps its header");
  }

  @Test
  void keepsWarnLogsWithTheirGrpcErrorAndDropsInfoLogs() {
    String err = "{\"level\":\"warn\",\"ts\":\"2026-12-02T06:51:26.499Z\",\"caller\":\"clientv3/retry_interceptor.go:62\","
        + "\"msg\":\"retrying of unary invoker failed\",\"target\":\"endpoint://client-6e69/127.0.0.1:23791\",\"attempt\":0,"
        + "\"error\":\"rpc error: code = InvalidArgument desc = etcdserver: key is not provided\"}\n"
        + "{\"level\":\"info\",\"msg\":\"closing\"}\n"
        + "Error: etcdserver: key is not provided\n";
    assertEquals("log warn: retrying of unary invoker failed: rpc error: code = InvalidArgument desc = etcdserver: key is not provided\n"
        + "Error: etcdserver: key is not provided", n.stderr(err));
  }
}
