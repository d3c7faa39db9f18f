package io.keel.bootstrap.internal.discovery;

import io.keel.bootstrap.internal.discovery.DiscoveryKeys.Node;
import io.keel.bootstrap.internal.discovery.DiscoveryKeys.Response;
import io.keel.bootstrap.internal.discovery.DiscoveryKeys.V2Error;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's v2 discovery protocol (etcdserver/api/v2discovery), as a member joining runs it. With a
 * discovery URL {@code http://svc/v2/keys/discovery/TOKEN} the token directory is the URL's path:
 *
 * <pre>
 *   /v2/keys/discovery/TOKEN/_config/size      "3"       created by whoever hands out the token
 *   /v2/keys/discovery/TOKEN/8e9e05c52164694d  "infra0=http://10.0.1.10:2380"   createdIndex 7
 *   /v2/keys/discovery/TOKEN/91bc3c398fb3c146  "infra1=http://10.0.1.11:2380"   createdIndex 8
 * </pre>
 *
 * <ol>
 *   <li>check: read the size, list the directory; members are the entries other than {@code _config},
 *       ordered by createdIndex; if {@code size} of them come before this member's key, the cluster
 *       is full ("discovery: cluster is full");
 *   <li>register: create {@code TOKEN/<member ID in hex>} with prevExist=false and value
 *       {@code name=peerURL,...}; an existing key is "discovery: found duplicate id";
 *   <li>check again, then wait (recursive, from the listing's X-Etcd-Index + 1) until {@code size}
 *       members are registered; the first {@code size} are the cluster, and must have distinct
 *       names ("discovery: found duplicate name").
 * </ol>
 *
 * An unreachable service (or a 5xx) is retried after 2 s, 4 s, 8 s ... (at most 2^8 s each), as
 * etcd does; unlike etcd, which retries 2^32 times, at most {@code maxRetries} times, then
 * "discovery: too many retries" with the last cause.
 */
public final class V2Discovery {
  private static final Logger LOG = LoggerFactory.getLogger(V2Discovery.class);

  public static final String ERR_SIZE_NOT_FOUND = "discovery: size key not found";
  public static final String ERR_BAD_SIZE_KEY = "discovery: size key is bad";
  public static final String ERR_DUPLICATE_ID = "discovery: found duplicate id";
  public static final String ERR_DUPLICATE_NAME = "discovery: found duplicate name";
  public static final String ERR_FULL_CLUSTER = "discovery: cluster is full";
  public static final String ERR_TOO_MANY_RETRIES = Backoff.ERR_TOO_MANY_RETRIES;
  public static final String ERR_BAD_ENDPOINT = "discovery: bad discovery endpoint";
  public static final String ERR_INVALID_URL = "discovery: invalid URL";

  private final DiscoveryKeys keys;
  private final URI url;
  private final String token;
  private final String selfKey;
  private final Backoff backoff;

  /**
   * @param url the discovery URL (shown in logs)
   * @param memberId this member's ID, computed with the discovery URL as cluster token
   */
  public V2Discovery(DiscoveryKeys keys, URI url, long memberId, int maxRetries, Backoff.Sleeper sleeper) {
    this.keys = keys;
    this.url = url;
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    this.token = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    this.selfKey = (token.equals("/") ? "" : token) + "/" + Long.toHexString(memberId);
    this.backoff = new Backoff(url.toString(), maxRetries, sleeper);
  }

  private record Check(List<Node> nodes, long size, long index) {}

  /**
   * Registers {@code self} ("name=peerURL,..." as etcd's URLsMap prints it) and returns the
   * cluster: name to peer URLs, in registration order.
   */
  public Map<String, List<URI>> joinCluster(String self) throws IOException {
    check();
    createSelf(self);
    Check c = check();
    List<Node> all = waitNodes(c);
    return nodesToCluster(all, c.size());
  }

  private void createSelf(String contents) throws IOException {
    Response created;
    try {
      created = keys.create(selfKey, contents);
    } catch (V2Error e) {
      if (e.errorCode == 105) {
        throw new DiscoveryException(ERR_DUPLICATE_ID, null);
      }
      throw new DiscoveryException(e.getMessage(), null);
    }
    // as etcd: see our own creation through a watch before going on
    try {
      keys.waitFor(selfKey, created.node().createdIndex(), false);
    } catch (V2Error e) {
      throw new DiscoveryException(e.getMessage(), null);
    }
  }

  /** etcd's checkCluster. */
  private Check check() throws IOException {
    while (true) {
      String sizeKey = (token.equals("/") ? "" : token) + "/_config/size";
      Response size;
      try {
        size = keys.get(sizeKey);
      } catch (V2Error e) {
        if (e.errorCode == 100) {
          throw new DiscoveryException(ERR_SIZE_NOT_FOUND, url.toString());
        }
        throw new DiscoveryException(e.getMessage(), null);
      } catch (DiscoveryKeys.InvalidJson e) {
        throw new DiscoveryException(ERR_BAD_ENDPOINT, e.getMessage());
      } catch (DiscoveryKeys.Unavailable e) {
        backOff("cluster status check", e);
        continue;
      }
      long n;
      try {
        n = Long.parseUnsignedLong(size.node().value());
      } catch (NumberFormatException e) {
        throw new DiscoveryException(ERR_BAD_SIZE_KEY, "\"" + size.node().value() + "\"");
      }
      Response listing;
      try {
        listing = keys.get(token);
      } catch (V2Error e) {
        throw new DiscoveryException(e.getMessage(), null);
      } catch (DiscoveryKeys.Unavailable e) {
        backOff("cluster status check", e);
        continue;
      }
      List<Node> nodes = new ArrayList<>();
      for (Node node : listing.node().nodes()) {
        if (!base(node.key()).equals("_config")) {
          nodes.add(node);
        }
      }
      nodes.sort(Comparator.comparingLong(Node::createdIndex));
      for (int i = 0; i < nodes.size(); i++) {
        if (base(nodes.get(i).key()).equals(base(selfKey))) {
          break;
        }
        if (i >= n - 1) {
          throw new DiscoveryException(ERR_FULL_CLUSTER, null);
        }
      }
      return new Check(nodes, n, listing.index());
    }
  }

  private List<Node> waitNodes(Check c) throws IOException {
    while (true) {
      List<Node> all = new ArrayList<>(c.nodes().subList(0, (int) Math.min(c.nodes().size(), c.size())));
      for (Node n : all) {
        LOG.info("discovery found {} url={} member={}", base(n.key()).equals(base(selfKey)) ? "self" : "peer", url,
            base(n.key()));
      }
      long next = c.index() + 1;
      try {
        while (all.size() < c.size()) {
          LOG.info("discovery found peers, waiting for more url={} found={} needed={}", url, all.size(),
              c.size() - all.size());
          Response r = keys.waitFor(token, next, true);
          LOG.info("discovery found peer url={} member={}", url, base(r.node().key()));
          all.add(r.node());
          next = r.node().modifiedIndex() + 1;
        }
        LOG.info("discovery found all needed peers url={} found={}", url, all.size());
        return all;
      } catch (V2Error e) {
        throw new DiscoveryException(e.getMessage(), null);
      } catch (DiscoveryKeys.Unavailable e) {
        backOff("waiting for other nodes", e);
        c = check();
      }
    }
  }

  private void backOff(String step, IOException cause) throws IOException {
    backoff.retry(step, cause);
  }

  /** etcd's nodesToCluster plus the duplicate-URL check of NewServer; v2 also refuses a name twice. */
  private static Map<String, List<URI>> nodesToCluster(List<Node> nodes, long size) throws IOException {
    List<String> values = nodes.stream().map(Node::value).toList();
    Map<String, List<URI>> cluster = PeerUrlsMap.parse(values, ERR_INVALID_URL);
    if (cluster.size() != size) {
      throw new DiscoveryException(ERR_DUPLICATE_NAME, String.join(",", values));
    }
    return cluster;
  }

  private static String base(String key) {
    int slash = key.lastIndexOf('/');
    return slash < 0 ? key : key.substring(slash + 1);
  }
}
