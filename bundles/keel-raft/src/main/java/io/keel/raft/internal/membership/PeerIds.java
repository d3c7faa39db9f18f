package io.keel.raft.internal.membership;

import com.alipay.sofa.jraft.entity.PeerId;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/** A peer URL as jraft addresses it: the host resolved to an IP, and the port. */
public final class PeerIds {
  private PeerIds() {}

  public static PeerId peerId(String url) {
    return peerId(URI.create(url));
  }

  public static PeerId peerId(URI url) {
    try {
      return new PeerId(InetAddress.getByName(url.getHost()).getHostAddress(), url.getPort());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve peer host " + url.getHost(), e);
    }
  }
}
