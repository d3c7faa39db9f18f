package io.keel.testsupport.fuzz;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** The fuzzer's mutations of one input: one to four of them, chosen at random. */
final class Mutations {
  private static final byte[] INTERESTING = {0, 1, -1, 0x7f, (byte) 0x80, 0x40, 0x08, 0x0a, 0x12, 0x1a, 0x22};

  private Mutations() {}

  static byte[] mutate(byte[] original, List<byte[]> pool, Random random) {
    byte[] b = original.clone();
    int rounds = 1 + random.nextInt(4);
    for (int i = 0; i < rounds; i++) {
      b = once(b, pool, random);
    }
    return b;
  }

  private static byte[] once(byte[] b, List<byte[]> pool, Random random) {
    int kind = random.nextInt(9);
    if (b.length == 0 && kind < 6) {
      kind = 8;
    }
    switch (kind) {
      case 0 -> { // flip a bit
        int at = random.nextInt(b.length);
        b[at] ^= (byte) (1 << random.nextInt(8));
        return b;
      }
      case 1 -> { // an interesting byte
        b[random.nextInt(b.length)] = INTERESTING[random.nextInt(INTERESTING.length)];
        return b;
      }
      case 2 -> { // a random byte
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        return b;
      }
      case 3 -> { // delete a run
        int at = random.nextInt(b.length);
        int len = 1 + random.nextInt(Math.min(16, b.length - at));
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + len, out, at, b.length - at - len);
        return out;
      }
      case 4 -> { // truncate
        return Arrays.copyOf(b, random.nextInt(b.length));
      }
      case 5 -> { // duplicate a run in place
        int at = random.nextInt(b.length);
        int len = 1 + random.nextInt(Math.min(32, b.length - at));
        byte[] out = new byte[b.length + len];
        System.arraycopy(b, 0, out, 0, at + len);
        System.arraycopy(b, at, out, at + len, b.length - at);
        return out;
      }
      case 6 -> { // splice with another corpus entry
        byte[] other = pool.get(random.nextInt(pool.size()));
        int cut = random.nextInt(b.length + 1);
        int from = other.length == 0 ? 0 : random.nextInt(other.length);
        byte[] out = Arrays.copyOf(b, cut + other.length - from);
        System.arraycopy(other, from, out, cut, other.length - from);
        return out;
      }
      case 7 -> { // insert random bytes
        int at = random.nextInt(b.length + 1);
        byte[] extra = new byte[1 + random.nextInt(8)];
        random.nextBytes(extra);
        byte[] out = new byte[b.length + extra.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(b, at, out, at + extra.length, b.length - at);
        return out;
      }
      default -> { // all random
        byte[] out = new byte[random.nextInt(64)];
        random.nextBytes(out);
        return out;
      }
    }
  }
}
