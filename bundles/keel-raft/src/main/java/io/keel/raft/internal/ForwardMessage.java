package io.keel.raft.internal;

/**
 * The one message type of Keel's member-to-member forwarding on the peer port: opaque bytes in
 * both directions, framed by {@link Forwarding}. Serialized by {@link ForwardSerializer} as the raw
 * bytes, so no reflection-based serializer ever sees it.
 */
public final class ForwardMessage {
  private final byte[] data;

  public ForwardMessage(byte[] data) {
    this.data = data;
  }

  public byte[] data() {
    return data;
  }
}
