package io.keel.api.v2;

/**
 * A v2 write as it goes through the Raft log (etcd's pb.Request for the v2 store): PUT, POST,
 * DELETE, or SYNC (the leader's clock, to expire TTL keys). The proposer fixes every time: a TTL
 * is turned into an absolute {@code expirationMs} before proposing, so applying never reads a clock.
 *
 * @param prevExist null when not given
 * @param expirationMs absolute expiry (epoch ms) or 0; for SYNC, the leader's time
 */
public record V2Request(String method, String path, String value, boolean dir, String prevValue, long prevIndex,
    Boolean prevExist, long expirationMs, boolean refresh, boolean recursive) {

  public static V2Request sync(long nowMs) {
    return new V2Request("SYNC", "/", "", false, "", 0, null, nowMs, false, false);
  }
}
