package io.keel.api.bootstrap;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;

/**
 * Member and cluster IDs derived as etcd derives them, so that every member computes the same IDs
 * from the same configuration, on every restart: a member's ID is the first 8 bytes (big-endian)
 * of SHA-1 over its sorted peer URLs concatenated, followed by the cluster token; the cluster ID is
 * the first 8 bytes of SHA-1 over the sorted member IDs, each as 8 big-endian bytes.
 */
public final class MemberIds {
  private MemberIds() {}

  public static long memberId(List<URI> peerUrls, String clusterToken) {
    return idOf(peerUrls, clusterToken);
  }

  /**
   * The ID of a member added to a running cluster, as etcd's MemberAdd makes it: SHA-1 over its
   * sorted peer URLs followed by the time in Unix seconds (no cluster token). The time makes a
   * member removed and added again with the same URLs a new member: its old ID stays removed.
   */
  public static long addedMemberId(List<URI> peerUrls, long unixSeconds) {
    return idOf(peerUrls, Long.toString(unixSeconds));
  }

  /** The first 8 bytes of SHA-1 over the sorted peer URLs concatenated, then {@code suffix}. */
  private static long idOf(List<URI> peerUrls, String suffix) {
    StringBuilder joined = new StringBuilder();
    peerUrls.stream().map(URI::toString).sorted().forEach(joined::append);
    joined.append(suffix);
    return first8(sha1(joined.toString().getBytes(StandardCharsets.UTF_8)));
  }

  public static long clusterId(Collection<Long> memberIds) {
    // etcd sorts member IDs as unsigned 64-bit numbers
    List<Long> sorted = memberIds.stream().sorted(Long::compareUnsigned).toList();
    ByteBuffer b = ByteBuffer.allocate(8 * sorted.size());
    for (long id : sorted) {
      b.putLong(id);
    }
    return first8(sha1(b.array()));
  }

  private static long first8(byte[] hash) {
    return ByteBuffer.wrap(hash, 0, 8).getLong();
  }

  private static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by the Java platform", e);
    }
  }
}
