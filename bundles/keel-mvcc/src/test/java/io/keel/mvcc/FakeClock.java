package io.keel.mvcc;

import java.util.function.LongSupplier;

/** A monotonic nanosecond clock that moves only when a test says so. */
final class FakeClock implements LongSupplier {
  private long nanos = 1_000_000_000_000L; // an arbitrary start, as System.nanoTime has

  @Override
  public long getAsLong() {
    return nanos;
  }

  void advanceMs(long ms) {
    nanos += ms * 1_000_000L;
  }
}
