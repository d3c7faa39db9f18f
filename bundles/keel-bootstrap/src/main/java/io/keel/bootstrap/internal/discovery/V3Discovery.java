package io.keel.bootstrap.internal.discovery;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd 3.6's v3 discovery (server/etcdserver/api/v3discovery), as a member joining runs it. The
 * discovery service is an ordinary etcd (or Keel) cluster; a token's keys are
 *
 * <pre>
 *   /_etcd/registry/TOKEN/_config/size                 "3"   put by whoever hands out the token
 *   /_etcd/registry/TOKEN/members/8e9e05c52164694d     "infra0=http://10.0.1.10:2380"   create_revision 7
 *   /_etcd/registry/TOKEN/members/91bc3c398fb3c146     "infra1=http://10.0.1.11:2380"   create_revision 8
 * </pre>
 *
 * <ol>
 *   <li>check: read the size (missing: "discovery: size key not found", not a positive number:
 *       "discovery: size key is bad"), list the members ordered by create revision; if {@code size}
 *       of them come before this member's key, "discovery: cluster is full";
 *   <li>register: put {@code members/<member ID in hex>} = {@code name=peerURL,...} (a plain put:
 *       a restarted member overwrites its own key and keeps its place);
 *   <li>check again, then watch the members prefix from the listing's revision + 1 until {@code
 *       size} are registered; the first {@code size} by create revision are the cluster (a name
 *       registered twice gets both URLs, as etcd's URLsMap does; a URL twice is refused).
 * </ol>
 *
 * Entries that are not {@code name=URL} are skipped with a warning, as etcd does. Every failing step
 * is retried after 2 s, 4 s ... (256 s at most), the count reset by each success, at most
 * discovery-retries times in a row (etcd: 2^32).
 */
public final class V3Discovery {
  private static final Logger LOG = LoggerFactory.getLogger(V3Discovery.class);
  static final String PREFIX = "/_etcd/registry";

  public static final String ERR_SIZE_NOT_FOUND = "discovery: size key not found";
  public static final String ERR_BAD_SIZE_KEY = "discovery: size key is bad";
  public static final String ERR_FULL_CLUSTER = "discovery: cluster is full";
  public static final String ERR_INVALID_URL = "discovery: invalid peer URL";

  private final RegistryKeys keys;
  private final String service;
  private final String sizeKey;
  private final String membersPrefix;
  private final String selfKey;
  private final Backoff backoff;

  private record Member(String key, String peers, long createRevision) {}

  private record Check(List<Member> members, int size, long revision) {}

  /**
   * @param service the endpoints, for logs and errors
   * @param token the discovery token
   * @param memberId this member's ID, computed with the token as cluster token
   */
  public V3Discovery(RegistryKeys keys, String service, String token, long memberId, int maxRetries,
      Backoff.Sleeper sleeper) {
    this.keys = keys;
    this.service = service;
    String cluster = PREFIX + "/" + token;
    this.sizeKey = cluster + "/_config/size";
    this.membersPrefix = cluster + "/members";
    this.selfKey = membersPrefix + "/" + Long.toHexString(memberId);
    this.backoff = new Backoff(service, maxRetries, sleeper);
  }

  /**
   * Registers {@code self} ("name=peerURL,..." as etcd's URLsMap prints it) and returns the cluster:
   * name to peer URLs, in registration order.
   */
  public Map<String, List<URI>> joinCluster(String self) throws IOException {
    check();
    register(self);
    Check c = check();
    List<Member> members = new ArrayList<>(c.members());
    if (members.size() < c.size()) {
      waitForPeers(members, c.size(), c.revision());
    }
    return toCluster(members, c.size());
  }

  /** etcd's checkCluster: the size, the members so far, and whether this member still fits. */
  private Check check() throws IOException {
    while (true) {
      int size;
      List<Member> members;
      long revision;
      try {
        List<RegistryKeys.Kv> sizeKv = keys.get(sizeKey).kvs();
        if (sizeKv.isEmpty()) {
          throw new DiscoveryException(ERR_SIZE_NOT_FOUND, sizeKey + " on " + service);
        }
        size = parseSize(sizeKv.get(0).value());
        RegistryKeys.Listing listing = keys.getPrefix(membersPrefix);
        members = new ArrayList<>();
        for (RegistryKeys.Kv kv : listing.kvs()) {
          add(members, kv);
        }
        revision = listing.revision();
      } catch (DiscoveryException e) {
        throw e;
      } catch (IOException e) {
        backoff.retry("cluster status check", e);
        continue;
      }
      backoff.reset();
      for (int i = 0; i < members.size(); i++) {
        if (members.get(i).key().equals(selfKey)) {
          break;
        }
        if (i >= size - 1) {
          throw new DiscoveryException(ERR_FULL_CLUSTER, null);
        }
      }
      return new Check(members, size, revision);
    }
  }

  private static int parseSize(String value) throws DiscoveryException {
    try {
      int n = Integer.parseInt(value.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException bad) {
      // below
    }
    throw new DiscoveryException(ERR_BAD_SIZE_KEY, "\"" + value + "\"");
  }

  private void register(String self) throws IOException {
    while (true) {
      try {
        keys.put(selfKey, self);
        backoff.reset();
        LOG.info("discovery registered this member url={} key={} value={}", service, selfKey, self);
        return;
      } catch (IOException e) {
        backoff.retry("register member itself", e);
      }
    }
  }

  private void waitForPeers(List<Member> members, int size, long revision) throws IOException {
    long from = revision + 1;
    while (members.size() < size) {
      LOG.info("discovery waiting for peers url={} found={} needed={}", service, members.size(), size);
      long[] last = {from - 1};
      try {
        keys.watchPrefix(membersPrefix, from, kv -> {
          add(members, kv);
          last[0] = Math.max(last[0], kv.createRevision());
          return members.size() >= size;
        });
        backoff.reset();
      } catch (IOException e) {
        backoff.retry("waiting for other nodes", e);
        // what was missed while the watch was down is seen from the revision after the last one seen
        from = Math.max(from, last[0] + 1);
      }
    }
    LOG.info("discovery found all needed peers url={} found={}", service, members.size());
  }

  /** etcd's clusterInfo.add: keeps members in create-revision order; skips malformed and repeated entries. */
  private void add(List<Member> members, RegistryKeys.Kv kv) {
    String key = kv.key().trim();
    String value = kv.value().trim();
    if (!key.startsWith(membersPrefix + "/")) {
      LOG.warn("discovery: invalid peer registry key url={} key={}", service, key);
      return;
    }
    if (value.indexOf('=') < 0) {
      LOG.warn("discovery: invalid peer info returned from discovery service url={} key={} value={}", service, key,
          value);
      return;
    }
    if (members.stream().anyMatch(m -> m.key().equals(key))) {
      LOG.warn("discovery: found duplicate peer from discovery service url={} key={}", service, key);
      return;
    }
    members.add(new Member(key, value, kv.createRevision()));
    members.sort(Comparator.comparingLong(Member::createRevision));
    LOG.info("discovery found {} url={} key={} value={}", key.equals(selfKey) ? "self" : "peer", service, key, value);
  }

  /** etcd's getInitClusterStr: the first {@code size} registrations. */
  private static Map<String, List<URI>> toCluster(List<Member> members, int size) throws IOException {
    return PeerUrlsMap.parse(members.subList(0, Math.min(size, members.size())).stream().map(Member::peers).toList(),
        ERR_INVALID_URL);
  }
}
