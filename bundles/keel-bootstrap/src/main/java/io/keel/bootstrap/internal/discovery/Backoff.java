package io.keel.bootstrap.internal.discovery;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's discovery retry (logAndBackoffForRetry): after the n-th failure in a row wait 2^n s, at most
 * 2^8 s. etcd retries 2^32 times; Keel at most {@code maxRetries} times (discovery-retries), then
 * fails with "discovery: too many retries" and the last cause.
 */
public final class Backoff {
  private static final Logger LOG = LoggerFactory.getLogger(Backoff.class);
  private static final int MAX_EXPONENTIAL_RETRIES = 8;
  static final String ERR_TOO_MANY_RETRIES = "discovery: too many retries";

  /** Waits between retries; real sleep in production, recorded in tests. */
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  private final String service;
  private final int maxRetries;
  private final Sleeper sleeper;
  private int retries;

  Backoff(String service, int maxRetries, Sleeper sleeper) {
    this.service = service;
    this.maxRetries = maxRetries;
    this.sleeper = sleeper;
  }

  /** Waits before the next attempt at {@code step}, or fails when the retries are spent. */
  void retry(String step, IOException cause) throws IOException {
    if (retries >= maxRetries) {
      throw new DiscoveryException(ERR_TOO_MANY_RETRIES, "gave up after " + retries + " retries; last error: "
          + cause.getMessage());
    }
    retries++;
    long seconds = 1L << Math.min(retries, MAX_EXPONENTIAL_RETRIES);
    LOG.warn("discovery service unreachable, retrying url={} reason={} backoff={}s retry={}/{} error={}", service, step,
        seconds, retries, maxRetries, cause.getMessage());
    try {
      sleeper.sleep(seconds * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting to retry the discovery service", e);
    }
  }

  /** A step succeeded: the next failure starts again at 2 s (etcd 3.6's v3 discovery does this). */
  void reset() {
    retries = 0;
  }
}
