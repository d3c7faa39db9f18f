package io.keel.registry.internal;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.Leases;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the checks of the registrations this member owns, and takes over those nobody owns.
 *
 * <p>Ownership: each member holds one lease of {@link #OWNER_TTL_SECONDS}, renewed every tick; a
 * registration's owner key ({@link RegistryKeys#OWNERS}) is attached to its owner's lease. When a
 * member dies its lease expires, its owner keys go with it, and on their next tick the other
 * members race for each free registration with a txn that requires the owner key to be absent: one
 * wins and runs its checks from then on. So a registration is never lost with its member, and at
 * most one member runs its checks at a time (save one lease TTL while a partitioned owner has not
 * yet learnt its lease is gone).
 *
 * <p>One thread ticks every {@link #TICK_MS}: renew, read the registry, claim, expire TTL checks,
 * deregister instances critical for longer than their DeregisterCriticalServiceAfter, and hand due
 * HTTP/TCP probes to a small pool. A status is written only when it changes, so blocking queries
 * wake for real changes only.
 */
public final class CheckRunner implements AutoCloseable {
  public static final long OWNER_TTL_SECONDS = 5;
  static final long TICK_MS = 500;
  private static final Logger LOG = LoggerFactory.getLogger(CheckRunner.class);

  private final RegistryStore store;
  private final Leases leases;
  private final Probes probes;
  private final long memberId;
  private final LongSupplier wallClockMs;
  /** Next run (wall ms) of each HTTP/TCP check this member runs; touched by the tick thread only. */
  private final Map<String, Long> nextRun = new HashMap<>();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  /** Guarded by this. */
  private long lease;
  private long lastRenewMs;
  private ScheduledExecutorService ticker;
  private ExecutorService probePool;

  public CheckRunner(RegistryStore store, Leases leases, Probes probes, long memberId, LongSupplier wallClockMs) {
    this.store = store;
    this.leases = leases;
    this.probes = probes;
    this.memberId = memberId;
    this.wallClockMs = wallClockMs;
  }

  public CheckRunner start() {
    ticker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "keel-registry-checks"));
    probePool = Executors.newFixedThreadPool(4, r -> new Thread(r, "keel-registry-probe"));
    ticker.scheduleWithFixedDelay(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
    return this;
  }

  /** This member's owner lease, granted if there is none yet. */
  public synchronized long lease() {
    if (lease == 0) {
      lease = RegistryStore.await(leases.leaseGrant(0, OWNER_TTL_SECONDS)).id();
      lastRenewMs = wallClockMs.getAsLong();
      LOG.info("registry owner lease granted lease={} ttl={}s", Long.toHexString(lease), OWNER_TTL_SECONDS);
    }
    return lease;
  }

  private synchronized void renew() {
    long now = wallClockMs.getAsLong();
    if (lease == 0 || now - lastRenewMs < 1000) {
      return;
    }
    try {
      RegistryStore.await(leases.leaseRenew(lease));
      lastRenewMs = now;
    } catch (EtcdException e) {
      if (e.error() != EtcdError.LEASE_NOT_FOUND) {
        throw e;
      }
      LOG.warn("registry owner lease expired lease={}; registrations go to whichever member claims them first",
          Long.toHexString(lease));
      lease = 0;
    }
  }

  void tick() {
    try {
      renew();
      Snapshot s = store.snapshot();
      long now = wallClockMs.getAsLong();
      Set<String> running = new HashSet<>();
      for (Instance i : s.instances()) {
        String id = i.service().id();
        Long owner = s.owners().get(id);
        if (owner == null) {
          if (!store.claim(id, memberId, lease())) {
            continue;
          }
          LOG.info("registry took over service id={}", id);
        } else if (owner != memberId) {
          continue;
        }
        if (deregisterIfCriticalTooLong(i, now)) {
          continue;
        }
        for (CheckDefinition c : i.service().checks()) {
          running.add(c.checkId());
          CheckState state = state(i, c, now);
          if (c.kind() == CheckKind.TTL) {
            if (now > state.ttlDeadlineMs() && state.status() != HealthStatus.CRITICAL) {
              store.putCheck(state.to(HealthStatus.CRITICAL, "TTL expired", state.ttlDeadlineMs(), now));
            }
          } else if (now >= nextRun.getOrDefault(c.checkId(), 0L) && inFlight.add(c.checkId())) {
            nextRun.put(c.checkId(), now + c.intervalMs());
            probePool.execute(() -> probe(c, state));
          }
        }
      }
      nextRun.keySet().retainAll(running);
    } catch (RuntimeException e) {
      LOG.warn("registry check round failed, retrying: {}", e.toString());
    }
  }

  private static CheckState state(Instance i, CheckDefinition c, long now) {
    for (CheckState s : i.checks()) {
      if (s.checkId().equals(c.checkId())) {
        return s;
      }
    }
    return new CheckState(c.checkId(), i.service().id(), HealthStatus.CRITICAL, "", now + c.ttlMs(), now);
  }

  private boolean deregisterIfCriticalTooLong(Instance i, long now) {
    for (CheckDefinition c : i.service().checks()) {
      if (c.deregisterAfterMs() <= 0) {
        continue;
      }
      CheckState s = state(i, c, now);
      if (s.status() == HealthStatus.CRITICAL && s.criticalSinceMs() > 0 && now - s.criticalSinceMs() >= c.deregisterAfterMs()) {
        LOG.info("registry deregistered service id={} check={} critical for {} ms", i.service().id(), c.checkId(),
            now - s.criticalSinceMs());
        store.deregister(i.service().id());
        return true;
      }
    }
    return false;
  }

  private void probe(CheckDefinition c, CheckState before) {
    try {
      Probes.Result r = probes.run(c);
      if (r.status() != before.status()) {
        store.putCheck(before.to(r.status(), r.output(), 0, wallClockMs.getAsLong()));
        LOG.debug("registry check changed check={} status={}", c.checkId(), r.status().wire());
      }
    } catch (RuntimeException e) {
      LOG.warn("registry check could not be run or recorded check={}: {}", c.checkId(), e.toString());
    } finally {
      inFlight.remove(c.checkId());
    }
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    if (probePool != null) {
      probePool.shutdownNow();
    }
    long held;
    synchronized (this) {
      held = lease;
      lease = 0;
    }
    if (held != 0) {
      // Hand this member's registrations to the others at once rather than after the TTL.
      leases.leaseRevoke(held);
    }
  }
}
