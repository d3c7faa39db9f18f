package io.keel.testsupport.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The checker, with its pruning, agrees with {@link ExhaustiveRegister} on thousands of small
 * histories: random ones (mostly not linearizable), simulated linearizable ones, and simulated ones
 * with one op changed (either). A seed in a failure message replays the history.
 */
class LinearizabilityAgreementTest {
  private static final String[] VALUES = {null, "a", "b", "c"};

  @Test
  void agreesWithTheExhaustiveCheckOnSmallHistories() {
    int[] verdicts = new int[2];
    for (int i = 0; i < 6000; i++) {
      long seed = i;
      Random random = new Random(seed);
      List<Op> ops = switch (i % 3) {
        case 0 -> randomHistory(random);
        case 1 -> new SimulatedRegisters(seed, 1, 3, 0.3).history(2 + random.nextInt(3), 2 + random.nextInt(3));
        default -> mutateOne(new SimulatedRegisters(seed, 1, 3, 0.3).history(2 + random.nextInt(3), 3), random);
      };
      boolean expected = ExhaustiveRegister.linearizable(ops);
      Result result = Linearizability.check(ops, Duration.ofSeconds(10));
      assertEquals(expected, result.ok(), () -> "seed " + seed + ": " + ops + "\n" + result.explanation());
      verdicts[expected ? 1 : 0]++;
    }
    assertTrue(verdicts[0] > 1000 && verdicts[1] > 1000,
        "both verdicts well represented: " + verdicts[0] + " / " + verdicts[1]);
  }

  /** 2-4 clients, 1-4 ops each, on a coarse time grid (many overlaps and equal times), values from a, b, c. */
  private static List<Op> randomHistory(Random random) {
    List<Op> ops = new ArrayList<>();
    int clients = 2 + random.nextInt(3);
    for (int c = 0; c < clients; c++) {
      long t = random.nextInt(3);
      for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
        long invoke = t + random.nextInt(2);
        long complete = invoke + random.nextInt(4);
        t = complete;
        Op op = switch (random.nextInt(4)) {
          case 0 -> Op.get(c, "k", value(random), invoke, complete);
          case 1 -> Op.put(c, "k", letter(random), invoke, complete);
          case 2 -> Op.delete(c, "k", invoke, complete);
          default -> Op.cas(c, "k", value(random), letter(random), random.nextBoolean(), invoke, complete);
        };
        ops.add(op.kind() != Op.Kind.GET && random.nextInt(5) == 0 ? op.unknown() : op);
      }
    }
    return ops;
  }

  /** One op's answer changed: a read's value, a CAS's outcome, or a write made UNKNOWN or definite. */
  private static List<Op> mutateOne(List<Op> history, Random random) {
    List<Op> ops = new ArrayList<>(history);
    int i = random.nextInt(ops.size());
    Op op = ops.get(i);
    ops.set(i, switch (op.kind()) {
      case GET -> Op.get(op.client(), op.key(), value(random), op.invokeNanos(), op.completeNanos());
      case CAS -> new Op(op.client(), op.kind(), op.key(), op.value(), op.expected(), op.invokeNanos(),
          op.completeNanos(), Op.Outcome.values()[random.nextInt(3)], null);
      case PUT, DELETE -> new Op(op.client(), op.kind(), op.key(), op.value(), op.expected(), op.invokeNanos(),
          op.completeNanos(), op.outcome() == Op.Outcome.OK ? Op.Outcome.UNKNOWN : Op.Outcome.OK, null);
    });
    return ops;
  }

  /** A value or null (absent): what a read returns or a CAS expects. */
  private static String value(Random random) {
    return VALUES[random.nextInt(VALUES.length)];
  }

  private static String letter(Random random) {
    return VALUES[1 + random.nextInt(VALUES.length - 1)];
  }
}
