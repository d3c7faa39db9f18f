package io.keel.console.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.Kv;
import io.keel.api.Leases;
import io.keel.api.auth.AuthInfo;
import io.keel.api.kv.Bytes;
import io.keel.api.kv.Compare;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import io.keel.api.lease.LeaseTimeToLive;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The key browser's operations, each run as the signed-in user so that etcd's permission checks
 * apply: a level of the key tree, one key with its lease, compare-and-swap writes and deletes on
 * mod_revision, and a key's history.
 *
 * <p>The tree is etcd's flat key space cut at '/': the level under prefix {@code /app/} lists the
 * keys {@code /app/x} and the "directories" {@code /app/db/} (each with how many keys it holds).
 * A level is read keys-only, at most {@link #MAX_LEVEL_KEYS} keys, and says when it was cut short.
 */
final class Keys {
  static final int MAX_LEVEL_KEYS = 5000;
  static final int MAX_HISTORY = 50;
  private static final byte SLASH = '/';
  private final Kv kv;
  private final Leases leases;

  Keys(Kv kv, Leases leases) {
    this.kv = kv;
    this.leases = leases;
  }

  ObjectNode level(AuthInfo who, byte[] prefix) {
    byte[] key = prefix.length == 0 ? new byte[] {0} : prefix;
    byte[] end = prefix.length == 0 ? new byte[] {0} : Bytes.prefixEnd(prefix);
    RangeResponse r = Calls.await(kv.range(new RangeRequest(key, end, MAX_LEVEL_KEYS, 0, SortOrder.ASCEND,
        SortTarget.KEY, false, true, false, 0, 0, 0, 0), who));
    ObjectNode out = Json.object();
    out.put("prefix", Json.display(prefix));
    out.put("k", Json.b64(prefix));
    out.put("revision", r.revision());
    out.put("truncated", r.more());
    out.put("count", r.count());
    Map<String, byte[]> dirNames = new TreeMap<>();
    Map<String, Integer> dirCounts = new TreeMap<>();
    ArrayNode keys = Json.MAPPER.createArrayNode();
    for (KeyValue k : r.kvs()) {
      byte[] rest = Arrays.copyOfRange(k.key(), prefix.length, k.key().length);
      int slash = indexOf(rest, SLASH);
      if (slash >= 0 && slash < rest.length - 1) {
        byte[] dir = Arrays.copyOf(k.key(), prefix.length + slash + 1);
        String name = new String(rest, 0, slash + 1, StandardCharsets.UTF_8);
        dirNames.putIfAbsent(name, dir);
        dirCounts.merge(name, 1, Integer::sum);
      } else {
        ObjectNode n = Json.keyMeta(k);
        n.put("name", Json.display(rest));
        keys.add(n);
      }
    }
    ArrayNode dirs = out.putArray("dirs");
    dirNames.forEach((name, dir) -> dirs.addObject().put("name", name).put("k", Json.b64(dir))
        .put("keys", dirCounts.get(name)));
    out.set("keys", keys);
    return out;
  }

  /** One key at a revision (0 = latest), with its lease's remaining and granted TTL; 404 if absent. */
  ObjectNode get(AuthInfo who, byte[] key, long revision) {
    requireKey(key);
    RangeResponse r = Calls.await(kv.range(new RangeRequest(key, Bytes.EMPTY, 0, revision, SortOrder.NONE,
        SortTarget.KEY, false, false, false, 0, 0, 0, 0), who));
    if (r.kvs().isEmpty()) {
      throw ApiException.notFound("key not found");
    }
    KeyValue k = r.kvs().get(0);
    ObjectNode out = Json.keyValue(k);
    out.put("revision", r.revision());
    if (k.lease() != 0 && revision <= 0) {
      try {
        LeaseTimeToLive ttl = Calls.await(leases.leaseTimeToLive(k.lease(), false, who));
        out.put("leaseTtl", ttl.ttlSeconds());
        out.put("leaseGranted", ttl.grantedTtlSeconds());
      } catch (ApiException e) {
        out.put("leaseError", e.getMessage());
      }
    }
    return out;
  }

  /**
   * Puts {@code value}; with {@code expectModRevision} >= 0 only if the key's mod_revision still is
   * that (0: the key must not exist), else 409 with both versions: the one sent ("yours") and the
   * one stored now ("theirs", null when the key was deleted).
   */
  ObjectNode put(AuthInfo who, byte[] key, byte[] value, long lease, boolean keepLease, long expectModRevision) {
    requireKey(key);
    PutRequest put = new PutRequest(key, value, keepLease ? 0 : lease, false, false, keepLease);
    ObjectNode out = Json.object();
    if (expectModRevision < 0) {
      out.put("revision", Calls.await(kv.put(put, who)).revision());
      return out;
    }
    TxnResponse t = Calls.await(kv.txn(new TxnRequest(
        List.of(new Compare(Compare.Result.EQUAL, Compare.Target.MOD, key, Bytes.EMPTY, expectModRevision, Bytes.EMPTY)),
        List.of(put), List.of(RangeRequest.of(key, Bytes.EMPTY))), who));
    if (!t.succeeded()) {
      ObjectNode yours = Json.object();
      ValuePreview.write(value, Json.MAPPER, yours);
      throw conflict(expectModRevision, (RangeResponse) t.responses().get(0), yours);
    }
    out.put("revision", t.revision());
    return out;
  }

  /** Deletes the key; with {@code expectModRevision} >= 0 only if it is unchanged (409 otherwise). */
  ObjectNode delete(AuthInfo who, byte[] key, long expectModRevision) {
    requireKey(key);
    DeleteRangeRequest delete = new DeleteRangeRequest(key, Bytes.EMPTY, false);
    ObjectNode out = Json.object();
    if (expectModRevision < 0) {
      DeleteRangeResponse d = Calls.await(kv.deleteRange(delete, who));
      return out.put("revision", d.revision()).put("deleted", d.deleted());
    }
    TxnResponse t = Calls.await(kv.txn(new TxnRequest(
        List.of(new Compare(Compare.Result.EQUAL, Compare.Target.MOD, key, Bytes.EMPTY, expectModRevision, Bytes.EMPTY)),
        List.of(delete), List.of(RangeRequest.of(key, Bytes.EMPTY))), who));
    if (!t.succeeded()) {
      throw conflict(expectModRevision, (RangeResponse) t.responses().get(0), null);
    }
    return out.put("revision", t.revision()).put("deleted", ((DeleteRangeResponse) t.responses().get(0)).deleted());
  }

  /**
   * The key's versions, newest first: each read at the revision before the previous one's
   * mod_revision, until the key's creation (its current generation), {@link #MAX_HISTORY} versions,
   * or the compaction point, whichever comes first; {@code end} says which.
   */
  ObjectNode history(AuthInfo who, byte[] key) {
    requireKey(key);
    ObjectNode out = Json.object();
    ArrayNode versions = out.putArray("versions");
    long rev = 0;
    String end = "created";
    while (true) {
      RangeResponse r;
      try {
        r = Calls.await(kv.range(new RangeRequest(key, Bytes.EMPTY, 0, rev, SortOrder.NONE, SortTarget.KEY, false,
            false, false, 0, 0, 0, 0), who));
      } catch (ApiException e) {
        if (e.getMessage().equals(EtcdError.COMPACTED.message())) {
          end = "compacted";
          out.put("compactedAt", rev);
          break;
        }
        throw e;
      }
      if (r.kvs().isEmpty()) {
        end = versions.isEmpty() ? "absent" : "created";
        break;
      }
      KeyValue k = r.kvs().get(0);
      versions.add(Json.keyValue(k));
      if (k.version() <= 1 || k.modRevision() <= 1) {
        end = "created";
        break;
      }
      if (versions.size() >= MAX_HISTORY) {
        end = "limit";
        break;
      }
      rev = k.modRevision() - 1;
    }
    out.put("end", end);
    return out;
  }

  private static ApiException conflict(long expected, RangeResponse now, ObjectNode yours) {
    ObjectNode extra = Json.object();
    extra.put("expectedModRevision", expected);
    if (yours != null) {
      extra.set("yours", yours);
    }
    if (now.kvs().isEmpty()) {
      extra.putNull("theirs");
      return new ApiException(409, "CONFLICT", "the key was deleted after it was read (mod_revision "
          + expected + " expected)", extra);
    }
    KeyValue current = now.kvs().get(0);
    extra.set("theirs", Json.keyValue(current));
    String message = expected == 0
        ? "the key was created meanwhile (mod_revision " + current.modRevision() + ")"
        : "the key changed after it was read (mod_revision " + expected + " expected, now " + current.modRevision() + ")";
    return new ApiException(409, "CONFLICT", message, extra);
  }

  private static void requireKey(byte[] key) {
    if (key.length == 0) {
      throw ApiException.of(new EtcdException(EtcdError.EMPTY_KEY));
    }
  }

  private static int indexOf(byte[] b, byte x) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }
}
