package io.keel.bootstrap.internal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class V2DiscoveryTest {
  private static final String TOKEN = "/v2/keys/discovery/t1";
  private static final URI URL = URI.create("http://127.0.0.1:2379" + TOKEN);
  private final FakeDiscoveryKeys keys = new FakeDiscoveryKeys();
  private final List<Long> slept = new ArrayList<>();

  private V2Discovery member(long id) {
    return new V2Discovery(keys, URL, id, 3, slept::add);
  }

  @Test
  void registersUnderItsHexIdAndWaitsForTheOthersInCreatedOrder() throws IOException {
    keys.put(TOKEN + "/_config/size", "3");
    keys.put(TOKEN + "/aa", "a=http://127.0.0.1:1");
    keys.later.add(new String[] {TOKEN + "/cc", "c=http://127.0.0.1:3"});
    Map<String, List<URI>> cluster = member(0xbbL).joinCluster("b=http://127.0.0.1:2");
    assertEquals(List.of("a", "b", "c"), List.copyOf(cluster.keySet()));
    assertEquals(List.of(URI.create("http://127.0.0.1:2")), cluster.get("b"));
    assertEquals("b=http://127.0.0.1:2", keys.nodes.get(TOKEN + "/bb").value());
    assertTrue(keys.requests.contains("WAIT " + TOKEN + " 4"), keys.requests.toString());
  }

  @Test
  void aMemberBeyondTheSizeIsRefusedBeforeRegistering() {
    keys.put(TOKEN + "/_config/size", "2");
    keys.put(TOKEN + "/aa", "a=http://127.0.0.1:1");
    keys.put(TOKEN + "/bb", "b=http://127.0.0.1:2");
    DiscoveryException e = assertThrows(DiscoveryException.class,
        () -> member(0xccL).joinCluster("c=http://127.0.0.1:3"));
    assertEquals("discovery: cluster is full", e.reason);
    assertEquals("failed to join discovery cluster (discovery: cluster is full)", e.getMessage());
    assertTrue(!keys.nodes.containsKey(TOKEN + "/cc"));
  }

  @Test
  void anIdAlreadyRegisteredIsADuplicateId() {
    keys.put(TOKEN + "/_config/size", "3");
    keys.put(TOKEN + "/aa", "a=http://127.0.0.1:1");
    DiscoveryException e = assertThrows(DiscoveryException.class,
        () -> member(0xaaL).joinCluster("a=http://127.0.0.1:1"));
    assertEquals("discovery: found duplicate id", e.reason);
  }

  @Test
  void twoMembersWithOneNameAreADuplicateName() {
    keys.put(TOKEN + "/_config/size", "2");
    keys.put(TOKEN + "/aa", "a=http://127.0.0.1:1");
    DiscoveryException e = assertThrows(DiscoveryException.class,
        () -> member(0xbbL).joinCluster("a=http://127.0.0.1:2"));
    assertEquals("discovery: found duplicate name", e.reason);
  }

  @Test
  void noSizeKeyFailsAtOnce() {
    DiscoveryException e = assertThrows(DiscoveryException.class,
        () -> member(0xaaL).joinCluster("a=http://127.0.0.1:1"));
    assertEquals("discovery: size key not found", e.reason);
    assertEquals(List.of(), slept);
  }

  @Test
  void aSizeThatIsNoNumberIsABadSizeKey() {
    keys.put(TOKEN + "/_config/size", "three");
    DiscoveryException e = assertThrows(DiscoveryException.class,
        () -> member(0xaaL).joinCluster("a=http://127.0.0.1:1"));
    assertEquals("discovery: size key is bad", e.reason);
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
  void aServiceThatComesBackAfterRetriesIsUsed() throws IOException {
    keys.put(TOKEN + "/_config/size", "1");
    keys.downFor = 2;
    Map<String, List<URI>> cluster = member(0xaaL).joinCluster("a=http://127.0.0.1:1");
    assertEquals(List.of("a"), List.copyOf(cluster.keySet()));
    assertEquals(List.of(2000L, 4000L), slept);
  }
}
