package io.keel.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keel.api.kv.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The console's JSON vocabulary. Keys travel as {@code k}, their bytes in standard base64 (a key
 * is any byte string), with {@code key} the UTF-8 reading for display. IDs that are uint64 in etcd
 * (members, leases) travel as hexadecimal strings, as etcdctl prints them, since a JavaScript
 * number cannot hold every one; revisions fit in a JavaScript number and travel as numbers.
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  static String display(byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }

  /** A member ID as etcdctl member list prints it (%x). */
  static String id(long id) {
    return Long.toHexString(id);
  }

  /** A lease ID as etcdctl lease grant/list print it (%016x). */
  static String leaseId(long id) {
    return String.format("%016x", id);
  }

  /** A member or lease ID as the console sends it (hexadecimal); 400 otherwise. */
  static long parseId(String hex, String what) {
    if (hex == null || hex.isEmpty() || hex.length() > 16) {
      throw ApiException.badRequest(what + " must be a hexadecimal ID");
    }
    try {
      return Long.parseUnsignedLong(hex, 16);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(what + " must be a hexadecimal ID, not \"" + hex + "\"");
    }
  }

  /** The bytes of a base64 key or value parameter; 400 with the parameter's name if it is not base64. */
  static byte[] base64(String value, String name) {
    if (value == null) {
      throw ApiException.badRequest("missing " + name);
    }
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(name + " is not base64: " + e.getMessage());
    }
  }

  /** The metadata of a key-value (no value). */
  static ObjectNode keyMeta(KeyValue kv) {
    ObjectNode n = object();
    n.put("key", display(kv.key()));
    n.put("k", b64(kv.key()));
    n.put("createRevision", kv.createRevision());
    n.put("modRevision", kv.modRevision());
    n.put("version", kv.version());
    n.put("lease", kv.lease() == 0 ? "" : leaseId(kv.lease()));
    return n;
  }

  /** The metadata and the value's preview ({@link ValuePreview}) under "value". */
  static ObjectNode keyValue(KeyValue kv) {
    ObjectNode n = keyMeta(kv);
    ValuePreview.write(kv.value(), MAPPER, n.putObject("value"));
    return n;
  }

  static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw ApiException.badRequest(field + " must be a string");
    }
    return n.asText();
  }

  static long number(JsonNode body, String field, long otherwise) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return otherwise;
    }
    if (!n.canConvertToLong() || !n.isIntegralNumber()) {
      throw ApiException.badRequest(field + " must be an integer");
    }
    return n.asLong();
  }
}
