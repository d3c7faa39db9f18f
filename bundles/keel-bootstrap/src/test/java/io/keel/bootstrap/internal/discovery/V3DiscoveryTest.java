package io.keel.bootstrap.internal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class V3DiscoveryTest {
  private static final String TOKEN = "/_etcd/registry/t1";
  private static final String MEMBERS = TOKEN + "/members";
  private final FakeRegistryKeys keys = new FakeRegistryKeys();
  private final List<Long> slept = new ArrayList<>();

  private V3Discovery member(long id) {
    return new V3Discovery(keys, "http://127.0.0.1:2379", "t1", id, 3, slept::add);
  }

  @Test
  void registersUnderItsHexIdAndWatchesForTheOthersInCreateRevisionOrder() throws IOException {
    keys.store(TOKEN + "/_config/size", "3");
    keys.store(MEMBERS + "/aa", "a=http://127.0.0.1:1");
    keys.later.add(new String[] {MEMBERS + "/cc", "c=http://127.0.0.1:3"});
    Map<String, List<URI>> cluster = member(0xbbL).joinCluster("b=http://127.0.0.1:2");
    assertEquals(List.of("a", "b", "c"), List.copyOf(cluster.keySet()));
    assertEquals(List.of(URI.create("http://127.0.0.1:2")), cluster.get("b"));
    assertEquals("b=http://127.0.0.1:2", keys.kvs.get(MEMBERS + "/bb").value());
    // the watch starts after the revision the second listing was read at (3: size, aa, bb)
    assertTrue(keys.requests.contains("WATCH " + MEMBERS + " 4"), keys.requests.toString());
  }

  @Test
  void aMemberBeyondTheSizeIsRefusedBeforeRegistering() {
    keys.store(TOKEN + "/_config/size", "2");
    keys.store(MEMBERS + "/aa", "a=http://127.0.0.1:1");
    keys.store(MEMBERS + "/bb", "b=http://127.0.0.1:2");
    DiscoveryException e = assertThrows(DiscoveryException.class,
        () -> member(0xccL).joinCluster("c=http://127.0.0.1:3"));
    assertEquals("discovery: cluster is full", e.reason);
    assertEquals("failed to join discovery cluster (discovery: cluster is full)", e.getMessage());
    assertFalse(keys.kvs.containsKey(MEMBERS + "/cc"));
  }

  @Test
  void aMemberThatRegisteredBeforeKeepsItsPlaceWhenItStartsAgain() throws IOException {
    keys.store(TOKEN + "/_config/size", "2");
    keys.store(MEMBERS + "/aa", "a=http://127.0.0.1:1");
    keys.store(MEMBERS + "/bb", "b=http://127.0.0.1:2");
    Map<String, List<URI>> cluster = member(0xaaL).joinCluster("a=http://127.0.0.1:1");
    assertEquals(List.of("a", "b"), List.copyOf(cluster.keySet()));
  }

  @Test
  void moreRegistrationsThanTheSizeKeepTheFirstByCreateRevision() throws IOException {
    keys.store(TOKEN + "/_config/size", "2");
    keys.store(MEMBERS + "/aa", "a=http://127.0.0.1:1");
    keys.later.add(new String[] {MEMBERS + "/cc", "c=http://127.0.0.1:3"});
    Map<String, List<URI>> cluster = member(0xbbL).joinCluster("b=http://127.0.0.1:2");
    assertEquals(List.of("a", "b"), List.copyOf(cluster.keySet()));
  }

  @Test
  void malformedEntriesAreSkippedAndAURLTwiceIsRefused() {
    keys.store(TOKEN + "/_config/size", "2");
    keys.store(MEMBERS + "/aa", "no equals sign");
    keys.store(MEMBERS + "/bb", "b=http://127.0.0.1:1");
    IOException e = assertThrows(IOException.class, () -> member(0xccL).joinCluster("c=http://127.0.0.1:1"));
    assertTrue(e.getMessage().contains("has duplicate url"), e.getMessage());
  }

  @Test
  void noSizeKeyFailsAtOnceAndABadOneToo() {
    DiscoveryException e = assertThrows(DiscoveryException.class,
        () -> member(0xaaL).joinCluster("a=http://127.0.0.1:1"));
    assertEquals("discovery: size key not found", e.reason);
    keys.store(TOKEN + "/_config/size", "0");
    e = assertThrows(DiscoveryException.class, () -> member(0xaaL).joinCluster("a=http://127.0.0.1:1"));
    assertEquals("discovery: size key is bad", e.reason);
    assertEquals(List.of(), slept);
  }

  @Test
  void anUnreachableServiceIsRetriedWithExponentialBackOffThenGivenUp() {
    keys.downFor = 100;
    DiscoveryException e = assertThrows(DiscoveryException.class,
        () -> member(0xaaL).joinCluster("a=http://127.0.0.1:1"));
    assertEquals("discovery: too many retries", e.reason);
    assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    assertEquals(List.of(2000L, 4000L, 8000L), slept);
  }

  @Test
  void aBrokenWatchIsResumedAfterTheLastRegistrationItSaw() throws IOException {
    keys.store(TOKEN + "/_config/size", "4");
    keys.store(MEMBERS + "/aa", "a=http://127.0.0.1:1");
    keys.later.add(new String[] {MEMBERS + "/cc", "c=http://127.0.0.1:3"});
    keys.later.add(new String[] {MEMBERS + "/dd", "d=http://127.0.0.1:4"});
    keys.breakWatch = true;
    Map<String, List<URI>> cluster = member(0xbbL).joinCluster("b=http://127.0.0.1:2");
    assertEquals(List.of("a", "b", "c", "d"), List.copyOf(cluster.keySet()));
    assertEquals(List.of(2000L), slept);
    assertTrue(keys.requests.contains("WATCH " + MEMBERS + " 5"), keys.requests.toString());
  }
}
