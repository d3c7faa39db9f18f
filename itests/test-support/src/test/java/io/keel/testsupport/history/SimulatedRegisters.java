package io.keel.testsupport.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Histories of a store that is linearizable by construction: each client runs its ops one after
 * another, and each op takes effect atomically at a random instant inside its [invoke, complete]
 * interval (an UNKNOWN write at a random instant after its invoke, or never). Every value written is
 * unique ("c3-17": client 3's op 17) unless {@code valueRange} makes them repeat. A request takes up
 * to 2 ms, one in twenty up to 20 ms (a slow one overlaps many others); the seed replays the history.
 */
final class SimulatedRegisters {
  private final Random random;
  private final int keys;
  private final int valueRange;
  private final double unknownRate;

  /** @param valueRange 0 for unique values, else how many distinct values writes choose from */
  SimulatedRegisters(long seed, int keys, int valueRange, double unknownRate) {
    this.random = new Random(seed);
    this.keys = keys;
    this.valueRange = valueRange;
    this.unknownRate = unknownRate;
  }

  /** An op planned by a client, with the instant it takes effect (Long.MAX_VALUE: never). */
  private record Planned(int client, int seq, Op.Kind kind, String key, String value, long invoke, long complete,
      long effect, boolean unknown, boolean wantSwap) {}

  List<Op> history(int clients, int opsPerClient) {
    List<Planned> planned = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      long t = micros(random.nextInt(1_000));
      for (int i = 0; i < opsPerClient; i++) {
        long invoke = t + micros(random.nextInt(300));
        long duration = micros(1 + (random.nextInt(20) == 0 ? random.nextInt(20_000) : random.nextInt(2_000)));
        planned.add(plan(c, i, invoke, invoke + duration));
        t = invoke + duration;
      }
    }
    planned.sort(Comparator.comparingLong(Planned::effect));
    Map<String, String> store = new HashMap<>();
    List<Op> ops = new ArrayList<>();
    for (Planned p : planned) {
      String current = store.get(p.key());
      Op op = switch (p.kind()) {
        case GET -> Op.get(p.client(), p.key(), current, p.invoke(), p.complete());
        case PUT -> Op.put(p.client(), p.key(), p.value(), p.invoke(), p.complete());
        case DELETE -> Op.delete(p.client(), p.key(), p.invoke(), p.complete());
        case CAS -> {
          String expected = p.wantSwap() ? current : otherThan(current);
          yield Op.cas(p.client(), p.key(), expected, p.value(), p.wantSwap(), p.invoke(), p.complete());
        }
      };
      if (p.effect() != Long.MAX_VALUE) {
        apply(store, op);
      }
      ops.add(p.unknown() ? op.unknown() : op);
    }
    return ops;
  }

  private static long micros(long us) {
    return us * 1_000;
  }

  private Planned plan(int client, int seq, long invoke, long complete) {
    String key = "k" + random.nextInt(keys);
    int dice = random.nextInt(10);
    Op.Kind kind = dice < 4 ? Op.Kind.GET : dice < 7 ? Op.Kind.PUT : dice < 9 ? Op.Kind.CAS : Op.Kind.DELETE;
    String value = valueRange == 0 ? "c" + client + "-" + seq : "v" + random.nextInt(valueRange);
    boolean unknown = kind != Op.Kind.GET && random.nextDouble() < unknownRate;
    long effect;
    if (!unknown) {
      effect = invoke + (long) (random.nextDouble() * (complete - invoke));
    } else if (random.nextBoolean()) {
      effect = invoke + (long) (random.nextDouble() * 4 * (complete - invoke));
    } else {
      effect = Long.MAX_VALUE;
    }
    return new Planned(client, seq, kind, key, value, invoke, complete, effect, unknown, random.nextBoolean());
  }

  private String otherThan(String current) {
    String other = random.nextBoolean() ? null : "v" + random.nextInt(Math.max(valueRange, 1));
    return Objects.equals(other, current) ? "never-written" : other;
  }

  private static void apply(Map<String, String> store, Op op) {
    switch (op.kind()) {
      case PUT -> store.put(op.key(), op.value());
      case DELETE -> store.remove(op.key());
      case CAS -> {
        if (op.outcome() == Op.Outcome.OK) {
          store.put(op.key(), op.value());
        }
      }
      case GET -> { }
    }
  }
}
