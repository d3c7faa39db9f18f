package io.keel.itests.conformance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides what legitimately differs between two servers that both behave like etcd, and nothing
 * else. One instance per server per case file: it learns the lease IDs the server grants, in order,
 * and maps each to the same placeholder on both sides, so "the key is attached to the second lease"
 * is still compared.
 *
 * <p>The rules, all of them:
 * <ol>
 *   <li>IDs chosen by the server: the member ID and cluster ID (decimal in JSON, hex in text, as
 *       whole words or whole JSON values) become {@code <MEMBER>} and {@code <CLUSTER>}; each granted
 *       lease ID becomes {@code <LEASE_n>} in order of grant (hex with or without leading zeros, and
 *       decimal; also the session leases in the keys etcdctl lock and elect print). The client and peer address {@code 127.0.0.1:port} become {@code <CLIENT>} and
 *       {@code <PEER>}, the server's scratch folder {@code <DIR>}.</li>
 *   <li>Raft and storage internals: JSON fields {@code raft_term}, {@code raftTerm},
 *       {@code raftIndex}, {@code raftAppliedIndex} (and {@code "RaftTerm" : n} of etcdctl's
 *       fields format) become {@code <RAFT>}; {@code dbSize}, {@code totalSize} (snapshot status: the bbolt file's size),
 *       {@code dbSizeInUse} become {@code <SIZE>}; {@code hash} (hashkv) becomes {@code <HASH>}.
 *       Present-versus-absent is still compared (etcdctl omits zero fields).</li>
 *   <li>The server's release: a JSON {@code version} or {@code etcdserver} that is a release
 *       number (x.y.z; Keel reports the 3.4 API level, etcd its patch release) becomes
 *       {@code <SERVER_VERSION>}. {@code etcdcluster} and the numeric key versions stay.</li>
 *   <li>Timings: {@code took = 1.2ms} (and a JSON {@code took}) becomes {@code <DURATION>}; a lease's remaining TTL
 *       becomes {@code <TTL_OK>} when it lies within [granted - slack, granted], slack being a
 *       quarter of the granted TTL and at least 5 s (a loaded machine has taken 2 s per etcdctl run,
 *       and a case may ask several steps after the grant), and stays raw otherwise.</li>
 *   <li>Map order: etcd returns leases and a lease's keys in Go map order, so the JSON arrays
 *       {@code leases} and {@code keys}, and the lines after {@code found N leases}, are sorted.</li>
 *   <li>Event batching (timing dependent): a watch response's events are printed one per line and
 *       the header of a response that carries events is dropped.</li>
 *   <li>etcdctl's own log lines on stderr: info and debug are dropped; others keep level, message
 *       and error (so the gRPC code and text are compared), not time, caller or client ID.</li>
 *   <li>JSON objects are printed with sorted keys (the gateway's field order is not part of the
 *       protocol).</li>
 * </ol>
 * Everything else — revisions, versions, keys, values, counts, error texts, exit codes, HTTP
 * status and content type — is compared as printed.
 */
final class Normalizer {

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final Set<String> RAFT_FIELDS = Set.of("raft_term", "raftTerm", "raftIndex", "raftAppliedIndex");
  private static final Set<String> SIZE_FIELDS = Set.of("dbSize", "dbSizeInUse", "totalSize");
  private static final Set<String> SORTED_ARRAYS = Set.of("leases", "keys");
  private static final Set<String> RELEASE_FIELDS = Set.of("version", "etcdserver");
  private static final Pattern RELEASE = Pattern.compile("\\d+\\.\\d+\\.\\d+");
  private static final Pattern FIELDS_TERM = Pattern.compile("^\"RaftTerm\" : \\d+$");
  private static final Pattern TOOK = Pattern.compile("took = [0-9.]+[a-zµ]+");
  private static final Pattern REMAINING = Pattern.compile("granted with TTL\\((\\d+)s\\), remaining\\((-?\\d+)s\\)");
  private static final Pattern GRANTED = Pattern.compile("^lease ([0-9a-f]+) granted with TTL\\(\\d+s\\)$", Pattern.MULTILINE);
  private static final Pattern SESSION_KEY = Pattern.compile("^\\S+/([0-9a-f]{1,16})$", Pattern.MULTILINE);
  private static final Pattern FOUND_LEASES = Pattern.compile("^found \\d+ leases$");
  private static final Pattern WORD = Pattern.compile("\\b[0-9a-f]+\\b");

  private final String client;
  private final String peer;
  private final String dir;
  /** Decimal ID -> placeholder, for the member, the cluster and every lease granted so far. */
  private final Map<BigInteger, String> ids = new LinkedHashMap<>();
  private final List<BigInteger> leases = new ArrayList<>();

  Normalizer(int clientPort, int peerPort, String dir, String memberId, String clusterId) {
    this.client = "127.0.0.1:" + clientPort;
    this.peer = "127.0.0.1:" + peerPort;
    this.dir = dir;
    ids.put(new BigInteger(memberId), "<MEMBER>");
    ids.put(new BigInteger(clusterId), "<CLUSTER>");
  }

  /** The n-th lease granted (1-based), or null. */
  BigInteger lease(int n) {
    return n >= 1 && n <= leases.size() ? leases.get(n - 1) : null;
  }

  /**
   * Learns the lease IDs a grant printed: etcdctl's text line, or the {@code ID} of a JSON grant
   * response (etcdctl {@code -w json} or the gateway). Call it for grant steps only.
   */
  void learnGrant(String stdout) {
    Matcher m = GRANTED.matcher(stdout);
    while (m.find()) {
      addLease(new BigInteger(m.group(1), 16));
    }
    for (String line : stdout.split("\n")) {
      JsonNode json = parse(line);
      if (json != null && json.has("ID")) {
        addLease(new BigInteger(json.get("ID").asText()));
      }
    }
  }

  /**
   * Learns the session lease IDs in the keys etcdctl lock and elect print ({@code name/<lease in
   * %x>}, from etcd's concurrency package). Call it for lock and elect steps only.
   */
  void learnSessionKeys(String stdout) {
    Matcher m = SESSION_KEY.matcher(stdout);
    while (m.find()) {
      addLease(new BigInteger(m.group(1), 16));
    }
  }

  private void addLease(BigInteger id) {
    if (!ids.containsKey(id)) {
      leases.add(id);
      ids.put(id, "<LEASE_" + leases.size() + ">");
    }
  }

  /** Normalizes stdout (JSON lines by the JSON rules, everything else by the text rules). */
  String stdout(String out) {
    String s = addresses(out);
    StringBuilder b = new StringBuilder();
    List<String> lines = List.of(s.split("\n", -1));
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      JsonNode json = parse(line);
      if (json != null) {
        flatten(json).forEach(n -> b.append(render(n)).append('\n'));
      } else if (FOUND_LEASES.matcher(line).matches()) {
        b.append(line).append('\n');
        List<String> rest = new ArrayList<>();
        while (i + 1 < lines.size() && !lines.get(i + 1).isEmpty()) {
          rest.add(text(lines.get(++i)));
        }
        rest.stream().sorted().forEach(r -> b.append(r).append('\n'));
      } else {
        b.append(text(line)).append('\n');
      }
    }
    return b.toString().strip();
  }

  /** Normalizes stderr: etcdctl's JSON log lines by rule 6, the rest as text. */
  String stderr(String err) {
    StringBuilder b = new StringBuilder();
    for (String line : addresses(err).split("\n")) {
      JsonNode log = line.startsWith("{\"level\":") ? parse(line) : null;
      if (log != null) {
        String level = log.path("level").asText();
        if (!level.equals("info") && !level.equals("debug")) {
          b.append("log ").append(level).append(": ").append(log.path("msg").asText());
          if (log.has("error")) {
            b.append(": ").append(text(log.path("error").asText()));
          }
          b.append('\n');
        }
      } else if (!line.isBlank()) {
        b.append(text(line)).append('\n');
      }
    }
    return b.toString().strip();
  }

  private String addresses(String s) {
    return s.replace(dir, "<DIR>").replace(client, "<CLIENT>").replace(peer, "<PEER>");
  }

  /** Text rules: IDs as whole hex or decimal words, durations, remaining TTLs. */
  String text(String line) {
    String s = TOOK.matcher(line).replaceAll("took = <DURATION>");
    s = FIELDS_TERM.matcher(s).replaceAll("\"RaftTerm\" : <RAFT>");
    Matcher ttl = REMAINING.matcher(s);
    if (ttl.find()) {
      long granted = Long.parseLong(ttl.group(1));
      long remaining = Long.parseLong(ttl.group(2));
      if (remainingOk(remaining, granted)) {
        s = s.substring(0, ttl.start()) + "granted with TTL(" + granted + "s), remaining(<TTL_OK>)" + s.substring(ttl.end());
      }
    }
    Matcher word = WORD.matcher(s);
    StringBuilder b = new StringBuilder();
    while (word.find()) {
      word.appendReplacement(b, Matcher.quoteReplacement(idWord(word.group())));
    }
    word.appendTail(b);
    return b.toString();
  }

  /** A known ID printed in hex (etcdctl's %x or %016x) or decimal, else the word unchanged. */
  private String idWord(String w) {
    if (w.length() < 6) {
      return w; // too short to be a server-chosen 64-bit ID; could be a value or a revision
    }
    String hit = ids.get(new BigInteger(w, 16));
    if (hit == null && w.chars().allMatch(Character::isDigit)) {
      hit = ids.get(new BigInteger(w));
    }
    return hit != null ? hit : w;
  }

  /** Rule 5: one line per watch event; everything else as it is. */
  private List<JsonNode> flatten(JsonNode json) {
    JsonNode result = json.has("result") ? json.get("result") : json; // the gateway wraps watch responses
    JsonNode events = result.has("Events") ? result.get("Events") : result.get("events");
    if (events == null || !events.isArray() || events.isEmpty()) {
      return List.of(normalize(null, json));
    }
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode event : events) {
      ObjectNode one = JsonNodeFactory.instance.objectNode();
      one.set("event", normalize(null, event));
      out.add(one);
    }
    return out;
  }

  /** JSON rules 1-4 and 7 on a copy of {@code node}. */
  JsonNode normalize(String field, JsonNode node) {
    field = field == null ? "" : field;
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        copy.set(e.getKey(), normalize(e.getKey(), e.getValue()));
      }
      remainingTtl(copy, "ttl", "granted-ttl");
      remainingTtl(copy, "TTL", "grantedTTL");
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      List<JsonNode> items = new ArrayList<>();
      node.forEach(n -> items.add(normalize(null, n)));
      if (SORTED_ARRAYS.contains(field)) {
        items.sort(Comparator.comparing(Normalizer::render));
      }
      copy.addAll(items);
      return copy;
    }
    if (RAFT_FIELDS.contains(field)) {
      return TextNode.valueOf("<RAFT>");
    }
    if (SIZE_FIELDS.contains(field)) {
      return TextNode.valueOf("<SIZE>");
    }
    if (RELEASE_FIELDS.contains(field) && node.isTextual() && RELEASE.matcher(node.asText()).matches()) {
      return TextNode.valueOf("<SERVER_VERSION>");
    }
    if (field.equals("took")) {
      return TextNode.valueOf("<DURATION>");
    }
    if (field.equals("hash")) {
      return TextNode.valueOf("<HASH>");
    }
    if (node.isIntegralNumber() || (node.isTextual() && node.asText().matches("\\d{6,20}"))) {
      String hit = ids.get(new BigInteger(node.asText()));
      if (hit != null) {
        return TextNode.valueOf(hit);
      }
    }
    if (node.isTextual()) {
      return TextNode.valueOf(text(node.asText()));
    }
    return node;
  }

  /** Rule 3 for JSON: a remaining TTL next to its granted TTL. */
  private static void remainingTtl(ObjectNode o, String remainingField, String grantedField) {
    if (o.has(remainingField) && o.has(grantedField)) {
      long remaining = o.get(remainingField).asLong(Long.MIN_VALUE);
      long granted = o.get(grantedField).asLong(Long.MIN_VALUE);
      if (remainingOk(remaining, granted)) {
        o.put(remainingField, "<TTL_OK>");
      }
    }
  }

  static boolean remainingOk(long remaining, long granted) {
    return remaining <= granted && remaining >= granted - Math.max(5, granted / 4);
  }

  private static JsonNode parse(String line) {
    String t = line.strip();
    if (!(t.startsWith("{") && t.endsWith("}")) && !(t.startsWith("[") && t.endsWith("]"))) {
      return null;
    }
    try {
      return JSON.readTree(t);
    } catch (JsonProcessingException notJson) {
      return null;
    }
  }

  static String render(JsonNode n) {
    try {
      return JSON.writeValueAsString(JSON.treeToValue(n, Object.class));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
