package io.keel.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the body of {@code PUT /v1/agent/service/register} into a {@link ServiceDefinition}, or
 * refuses it with Consul's 400 and its words. Field names are matched case-insensitively, as
 * Consul's decoder does. Limits Consul does not have, so that one registration stays a small KV
 * value: {@link #MAX_TAGS} tags of at most {@link #MAX_TAG_BYTES} characters, {@link #MAX_CHECKS}
 * checks; Meta follows Consul's own limits (64 keys, key 128, value 512 characters).
 */
public final class Registration {
  public static final int MAX_BODY_BYTES = 64 * 1024;
  public static final int MAX_TAGS = 64;
  public static final int MAX_TAG_BYTES = 255;
  public static final int MAX_CHECKS = 8;
  static final int MAX_META_KEYS = 64;
  static final int MAX_META_KEY = 128;
  static final int MAX_META_VALUE = 512;
  /** Consul's check kinds Keel does not run: named so the refusal says which. */
  private static final Set<String> UNSUPPORTED = Set.of("args", "scriptargs", "script", "grpc", "dockercontainerid",
      "h2ping", "aliasservice", "aliasnode", "udp", "oswindowsservice");

  private final ObjectMapper mapper;

  public Registration(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** A Go duration in milliseconds, -1 if it is not one. */
  public static long durationMillis(String text) {
    return io.keel.api.config.GoDurations.millis(text);
  }

  public ServiceDefinition parse(byte[] body, String node, String nodeAddress) {
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadRequest("Request decode failed: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new BadRequest("Request decode failed: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BadRequest("Request decode failed: the body must be a JSON object");
    }
    Map<String, JsonNode> f = fields(root);
    String name = text(f, "name");
    if (name.isEmpty()) {
      throw new BadRequest("Missing service name");
    }
    String id = text(f, "id");
    if (id.isEmpty()) {
      id = name;
    }
    if (id.contains("/") || name.contains("/")) {
      throw new BadRequest("Invalid service: ID and Name must not contain '/'");
    }
    List<String> tags = tags(f.get("tags"));
    Map<String, String> meta = meta(f.get("meta"));
    int port = (int) number(f, "port", 0, 65535);
    String address = text(f, "address");
    List<JsonNode> checkNodes = new ArrayList<>();
    JsonNode one = f.get("check");
    if (one != null && !one.isNull()) {
      checkNodes.add(one);
    }
    JsonNode many = f.get("checks");
    if (many != null && !many.isNull()) {
      if (!many.isArray()) {
        throw new BadRequest("Request decode failed: Checks must be a list");
      }
      many.forEach(checkNodes::add);
    }
    if (checkNodes.size() > MAX_CHECKS) {
      throw new BadRequest("Invalid service: at most " + MAX_CHECKS + " checks per service");
    }
    List<CheckDefinition> checks = new ArrayList<>();
    for (int i = 0; i < checkNodes.size(); i++) {
      String defaultId = checkNodes.size() == 1 ? "service:" + id : "service:" + id + ":" + (i + 1);
      checks.add(check(checkNodes.get(i), defaultId, name));
    }
    if (checks.stream().map(CheckDefinition::checkId).distinct().count() != checks.size()) {
      throw new BadRequest("Invalid check: duplicate CheckID");
    }
    return new ServiceDefinition(id, name, tags, address, port, meta, checks, node, nodeAddress);
  }

  private CheckDefinition check(JsonNode node, String defaultId, String serviceName) {
    if (!node.isObject()) {
      throw new BadRequest("Request decode failed: a check must be a JSON object");
    }
    Map<String, JsonNode> f = fields(node);
    for (String k : f.keySet()) {
      JsonNode v = f.get(k);
      boolean given = !v.isNull() && !(v.isTextual() && v.asText().isEmpty()) && !(v.isArray() && v.isEmpty());
      if (UNSUPPORTED.contains(k) && given) {
        throw new BadRequest("Invalid check: check kind " + k + " is not supported (Keel runs HTTP, TCP and TTL checks)");
      }
    }
    String http = text(f, "http");
    String tcp = text(f, "tcp");
    long interval = duration(f, "interval");
    long ttl = duration(f, "ttl");
    long timeout = duration(f, "timeout");
    long deregister = duration(f, "deregistercriticalserviceafter");
    if (!http.isEmpty() && !tcp.isEmpty()) {
      throw new BadRequest("Invalid check: only one of HTTP, TCP or TTL per check");
    }
    boolean intervalCheck = !http.isEmpty() || !tcp.isEmpty();
    if (interval > 0 && ttl > 0) {
      throw new BadRequest("Invalid check: Interval and TTL cannot both be specified");
    }
    if (intervalCheck && interval <= 0) {
      throw new BadRequest("Invalid check: Interval must be > 0 for Script, HTTP, or TCP checks");
    }
    if (!intervalCheck && ttl <= 0) {
      throw new BadRequest("Invalid check: TTL must be > 0 for TTL checks");
    }
    if (!http.isEmpty() && !(http.startsWith("http://") || http.startsWith("https://"))) {
      throw new BadRequest("Invalid check: HTTP must be an http:// or https:// URL");
    }
    if (!tcp.isEmpty() && !tcp.matches(".+:\\d{1,5}")) {
      throw new BadRequest("Invalid check: TCP must be host:port");
    }
    CheckKind kind = !http.isEmpty() ? CheckKind.HTTP : !tcp.isEmpty() ? CheckKind.TCP : CheckKind.TTL;
    HealthStatus initial = HealthStatus.CRITICAL;
    String status = text(f, "status");
    if (!status.isEmpty()) {
      initial = switch (status) {
        case "passing" -> HealthStatus.PASSING;
        case "warning" -> HealthStatus.WARNING;
        case "critical" -> HealthStatus.CRITICAL;
        default -> throw new BadRequest("Invalid check: Status must be passing, warning or critical");
      };
    }
    String id = text(f, "checkid");
    if (id.isEmpty()) {
      id = text(f, "id");
    }
    if (id.isEmpty()) {
      id = defaultId;
    }
    if (id.contains("/")) {
      throw new BadRequest("Invalid check: CheckID must not contain '/'");
    }
    String name = text(f, "name");
    if (name.isEmpty()) {
      name = "Service '" + serviceName + "' check";
    }
    long effectiveTimeout = timeout > 0 ? timeout : 10_000;
    return new CheckDefinition(id, name, kind, kind == CheckKind.HTTP ? http : tcp, interval, effectiveTimeout, ttl,
        deregister, initial);
  }

  private static Map<String, JsonNode> fields(JsonNode node) {
    Map<String, JsonNode> f = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      f.put(e.getKey().toLowerCase(Locale.ROOT).replace("_", ""), e.getValue());
    }
    return f;
  }

  private static String text(Map<String, JsonNode> f, String name) {
    JsonNode v = f.get(name);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw new BadRequest("Request decode failed: " + name + ": expected a string, got " + v.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    return v.asText();
  }

  private static long number(Map<String, JsonNode> f, String name, long min, long max) {
    JsonNode v = f.get(name);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
      throw new BadRequest("Request decode failed: " + name + ": expected an integer from " + min + " to " + max);
    }
    return v.asLong();
  }

  /** A Go duration string, or a number of nanoseconds (Consul accepts both); 0 when absent. */
  private static long duration(Map<String, JsonNode> f, String name) {
    JsonNode v = f.get(name);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (v.isIntegralNumber() && v.asLong() >= 0) {
      return v.asLong() / 1_000_000;
    }
    long ms = v.isTextual() ? io.keel.api.config.GoDurations.millis(v.asText()) : -1;
    if (ms < 0) {
      throw new BadRequest("Request decode failed: " + name + ": time: invalid duration " + v);
    }
    return ms;
  }

  private static List<String> tags(JsonNode v) {
    List<String> tags = new ArrayList<>();
    if (v == null || v.isNull()) {
      return tags;
    }
    if (!v.isArray()) {
      throw new BadRequest("Request decode failed: Tags must be a list of strings");
    }
    if (v.size() > MAX_TAGS) {
      throw new BadRequest("Invalid service: at most " + MAX_TAGS + " tags, got " + v.size());
    }
    for (JsonNode t : v) {
      if (!t.isTextual()) {
        throw new BadRequest("Request decode failed: Tags must be a list of strings");
      }
      if (t.asText().length() > MAX_TAG_BYTES) {
        throw new BadRequest("Invalid service: a tag is longer than " + MAX_TAG_BYTES + " characters");
      }
      tags.add(t.asText());
    }
    return tags;
  }

  private static Map<String, String> meta(JsonNode v) {
    Map<String, String> meta = new LinkedHashMap<>();
    if (v == null || v.isNull()) {
      return meta;
    }
    if (!v.isObject()) {
      throw new BadRequest("Request decode failed: Meta must be an object of strings");
    }
    if (v.size() > MAX_META_KEYS) {
      throw new BadRequest("Invalid Service Meta: Node metadata cannot contain more than " + MAX_META_KEYS + " key/value pairs");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new BadRequest("Request decode failed: Meta must be an object of strings");
      }
      if (e.getKey().length() > MAX_META_KEY) {
        throw new BadRequest("Invalid Service Meta: Key is too long (limit: " + MAX_META_KEY + " characters)");
      }
      if (e.getValue().asText().length() > MAX_META_VALUE) {
        throw new BadRequest("Invalid Service Meta: Value is too long (limit: " + MAX_META_VALUE + " characters)");
      }
      meta.put(e.getKey(), e.getValue().asText());
    }
    return meta;
  }
}
