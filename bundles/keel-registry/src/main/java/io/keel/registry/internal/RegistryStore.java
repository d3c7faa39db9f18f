package io.keel.registry.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.api.EtcdException;
import io.keel.api.Kv;
import io.keel.api.kv.Bytes;
import io.keel.api.kv.Compare;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RequestOp;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The registry's reads and writes over keel-api's KV, in the layout of {@link RegistryKeys}. Every
 * write that touches more than one key is one txn, so etcd clients never see a check without its
 * service or a half-replaced registration.
 */
public final class RegistryStore {
  /** etcd's request timeout plus its election margin, as the console waits. */
  private static final long TIMEOUT_MS = 10_000;

  private final Kv kv;
  private final ObjectMapper mapper;

  public RegistryStore(Kv kv, ObjectMapper mapper) {
    this.kv = kv;
    this.mapper = mapper;
  }

  /**
   * Stores {@code def} (replacing a registration with its ID), its checks' initial states (a check
   * that stays keeps its state) and the owner key on {@code ownerLease}, at one revision.
   */
  public long register(ServiceDefinition def, long memberId, long ownerLease, long nowMs) {
    Snapshot before = snapshot();
    Map<String, CheckState> old = new HashMap<>();
    for (Instance i : before.instances()) {
      if (i.service().id().equals(def.id())) {
        i.checks().forEach(c -> old.put(c.checkId(), c));
      }
    }
    for (Instance i : before.instances()) {
      for (CheckDefinition c : def.checks()) {
        if (!i.service().id().equals(def.id()) && i.checks().stream().anyMatch(s -> s.checkId().equals(c.checkId()))) {
          throw new BadRequest("Invalid check: CheckID \"" + c.checkId() + "\" belongs to service \"" + i.service().id() + "\"");
        }
      }
    }
    List<RequestOp> ops = new ArrayList<>();
    ops.add(PutRequest.of(RegistryKeys.service(def.id()), json(def)));
    Set<String> kept = new HashSet<>();
    for (CheckDefinition c : def.checks()) {
      kept.add(c.checkId());
      CheckState prev = old.get(c.checkId());
      CheckState state = prev != null ? prev
          : new CheckState(c.checkId(), def.id(), c.initialStatus(), "",
              c.kind() == CheckKind.TTL ? nowMs + c.ttlMs() : 0,
              c.initialStatus() == HealthStatus.CRITICAL ? nowMs : 0);
      ops.add(PutRequest.of(RegistryKeys.check(c.checkId()), json(state)));
    }
    for (String gone : old.keySet()) {
      if (!kept.contains(gone)) {
        ops.add(new DeleteRangeRequest(RegistryKeys.check(gone), Bytes.EMPTY, false));
      }
    }
    ops.add(new PutRequest(RegistryKeys.owner(def.id()), owner(memberId), ownerLease, false, false, false));
    return await(kv.txn(new TxnRequest(List.of(), ops, List.of()))).revision();
  }

  /** Deletes a registration, its checks and its owner key at one revision; false if there was none. */
  public boolean deregister(String serviceId) {
    Instance i = instance(serviceId);
    if (i == null) {
      return false;
    }
    List<RequestOp> ops = new ArrayList<>();
    ops.add(new DeleteRangeRequest(RegistryKeys.service(serviceId), Bytes.EMPTY, false));
    for (CheckState c : i.checks()) {
      ops.add(new DeleteRangeRequest(RegistryKeys.check(c.checkId()), Bytes.EMPTY, false));
    }
    ops.add(new DeleteRangeRequest(RegistryKeys.owner(serviceId), Bytes.EMPTY, false));
    Compare same = new Compare(Compare.Result.EQUAL, Compare.Target.MOD, RegistryKeys.service(serviceId),
        Bytes.EMPTY, i.modifyIndex(), Bytes.EMPTY);
    return await(kv.txn(new TxnRequest(List.of(same), ops, List.of()))).succeeded();
  }

  /** Writes a check's new state unless its service is gone (no check outlives its service). */
  public boolean putCheck(CheckState state) {
    Compare exists = new Compare(Compare.Result.GREATER, Compare.Target.VERSION, RegistryKeys.service(state.serviceId()),
        Bytes.EMPTY, 0, Bytes.EMPTY);
    TxnResponse r = await(kv.txn(new TxnRequest(List.of(exists),
        List.of(PutRequest.of(RegistryKeys.check(state.checkId()), json(state))), List.of())));
    return r.succeeded();
  }

  /** Takes a service whose owner key is gone: true if this member now owns it. */
  public boolean claim(String serviceId, long memberId, long lease) {
    Compare free = new Compare(Compare.Result.EQUAL, Compare.Target.CREATE, RegistryKeys.owner(serviceId),
        Bytes.EMPTY, 0, Bytes.EMPTY);
    Compare exists = new Compare(Compare.Result.GREATER, Compare.Target.VERSION, RegistryKeys.service(serviceId),
        Bytes.EMPTY, 0, Bytes.EMPTY);
    return await(kv.txn(new TxnRequest(List.of(free, exists),
        List.of(new PutRequest(RegistryKeys.owner(serviceId), owner(memberId), lease, false, false, false)),
        List.of()))).succeeded();
  }

  /** One check's state, or null. */
  public CheckState check(String checkId) {
    List<KeyValue> kvs = await(kv.range(RangeRequest.of(RegistryKeys.check(checkId), Bytes.EMPTY))).kvs();
    return kvs.isEmpty() ? null : read(kvs.get(0).value(), CheckState.class);
  }

  public Instance instance(String serviceId) {
    for (Instance i : snapshot().instances()) {
      if (i.service().id().equals(serviceId)) {
        return i;
      }
    }
    return null;
  }

  /** The whole registry at one revision (one serializable range of the prefix: this member's applied state). */
  public Snapshot snapshot() {
    byte[] prefix = RegistryKeys.bytes(RegistryKeys.PREFIX);
    RangeRequest all = new RangeRequest(prefix, Bytes.prefixEnd(prefix), 0, 0, SortOrder.ASCEND, SortTarget.KEY, true,
        false, false, 0, 0, 0, 0);
    var response = await(kv.range(all));
    Map<String, List<CheckState>> checks = new HashMap<>();
    Map<String, Long> owners = new HashMap<>();
    List<KeyValue> services = new ArrayList<>();
    for (KeyValue e : response.kvs()) {
      String key = new String(e.key(), StandardCharsets.UTF_8);
      if (key.startsWith(RegistryKeys.SERVICES)) {
        services.add(e);
      } else if (key.startsWith(RegistryKeys.CHECKS)) {
        CheckState c = read(e.value(), CheckState.class);
        checks.computeIfAbsent(c.serviceId(), k -> new ArrayList<>()).add(c);
      } else if (key.startsWith(RegistryKeys.OWNERS)) {
        owners.put(key.substring(RegistryKeys.OWNERS.length()),
            Long.parseUnsignedLong(new String(e.value(), StandardCharsets.UTF_8), 16));
      }
    }
    List<Instance> instances = new ArrayList<>();
    for (KeyValue e : services) {
      ServiceDefinition def = read(e.value(), ServiceDefinition.class);
      instances.add(new Instance(def, checks.getOrDefault(def.id(), List.of()), e.createRevision(), e.modRevision()));
    }
    return new Snapshot(response.revision(), instances, owners);
  }

  private static byte[] owner(long memberId) {
    return Long.toHexString(memberId).getBytes(StandardCharsets.UTF_8);
  }

  private byte[] json(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private <T> T read(byte[] value, Class<T> type) {
    try {
      return mapper.readValue(value, type);
    } catch (IOException e) {
      throw new UncheckedIOException("a value under " + RegistryKeys.PREFIX + " is not the registry's JSON", e);
    }
  }

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("etcdserver: request timed out", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof EtcdException ee) {
        throw ee;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
