package io.keel.raft.internal;

import java.net.URI;
import java.util.Collection;
import java.util.List;

/**
 * Member and cluster IDs derived as etcd derives them: keel-api's {@link
 * io.keel.api.bootstrap.MemberIds} (keel-bootstrap needs them too, to register with a discovery
 * service under this member's ID).
 */
public final class MemberIds {
  private MemberIds() {}

  public static long memberId(List<URI> peerUrls, String clusterToken) {
    return io.keel.api.bootstrap.MemberIds.memberId(peerUrls, clusterToken);
  }

  public static long clusterId(Collection<Long> memberIds) {
    return io.keel.api.bootstrap.MemberIds.clusterId(memberIds);
  }
}
