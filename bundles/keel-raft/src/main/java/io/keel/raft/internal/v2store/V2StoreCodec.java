package io.keel.raft.internal.v2store;

import io.keel.api.v2.V2Event;
import io.keel.api.v2.V2Node;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The v2 store inside a Raft snapshot: {@code "KV2S"}, format 1, the current index, the tree
 * (depth first: path, indexes, expiry, then the value or the children), then the event history.
 * A new field means a new format number; old ones stay readable.
 */
final class V2StoreCodec {
  private static final int MAGIC = 0x4b563253; // "KV2S"
  private static final int FORMAT = 1;

  private V2StoreCodec() {}

  static byte[] save(V2Store s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeLong(s.currentIndex);
      writeTree(out, s.root);
      List<V2Event> events = s.historyEvents();
      out.writeInt(events.size());
      for (V2Event e : events) {
        out.writeUTF(e.action());
        writeNode(out, e.node());
        out.writeBoolean(e.prevNode() != null);
        if (e.prevNode() != null) {
          writeNode(out, e.prevNode());
        }
        out.writeLong(e.etcdIndex());
        out.writeBoolean(e.refresh());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static void load(V2Store s, byte[] saved) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalStateException("not a saved v2 store");
      }
      int format = in.readInt();
      if (format != FORMAT) {
        throw new IllegalStateException("unknown v2 store format " + format);
      }
      s.currentIndex = in.readLong();
      s.root = readTree(in, null);
      int n = in.readInt();
      List<V2Event> events = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String action = in.readUTF();
        V2Node node = readNode(in);
        V2Node prev = in.readBoolean() ? readNode(in) : null;
        events.add(new V2Event(action, node, prev, in.readLong(), in.readBoolean()));
      }
      s.history.restore(events);
    } catch (IOException e) {
      throw new IllegalStateException("damaged v2 store in snapshot: " + e, e);
    }
  }

  static byte[] outcome(V2Outcome o) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeBoolean(o.error() != null);
      if (o.error() != null) {
        out.writeInt(o.error().errorCode());
        out.writeUTF(o.error().cause() == null ? "" : o.error().cause());
        out.writeLong(o.error().index());
      } else {
        V2Event e = o.event();
        out.writeBoolean(e != null);
        if (e != null) {
          out.writeUTF(e.action());
          writeNode(out, e.node());
          out.writeBoolean(e.prevNode() != null);
          if (e.prevNode() != null) {
            writeNode(out, e.prevNode());
          }
          out.writeLong(e.etcdIndex());
          out.writeBoolean(e.refresh());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static V2Outcome outcome(byte[] b) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      if (in.readBoolean()) {
        return new V2Outcome(null, new io.keel.api.v2.V2Error(in.readInt(), in.readUTF(), in.readLong()));
      }
      if (!in.readBoolean()) {
        return new V2Outcome(null, null);
      }
      String action = in.readUTF();
      V2Node node = readNode(in);
      V2Node prev = in.readBoolean() ? readNode(in) : null;
      return new V2Outcome(new V2Event(action, node, prev, in.readLong(), in.readBoolean()), null);
    } catch (IOException e) {
      throw new IllegalStateException("malformed v2 outcome: " + e, e);
    }
  }

  private static void writeTree(DataOutputStream out, V2TreeNode n) throws IOException {
    out.writeUTF(n.path);
    out.writeLong(n.createdIndex);
    out.writeLong(n.modifiedIndex);
    out.writeLong(n.expireMs);
    out.writeBoolean(n.isDir());
    if (n.isDir()) {
      out.writeInt(n.children.size());
      for (V2TreeNode c : n.children.values()) {
        writeTree(out, c);
      }
    } else {
      writeString(out, n.value);
    }
  }

  private static V2TreeNode readTree(DataInputStream in, V2TreeNode parent) throws IOException {
    String path = in.readUTF();
    long created = in.readLong();
    long modified = in.readLong();
    long expire = in.readLong();
    V2TreeNode n;
    if (in.readBoolean()) {
      n = V2TreeNode.dir(path, created, parent, expire);
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        V2TreeNode c = readTree(in, n);
        n.children.put(V2Paths.base(c.path), c);
      }
    } else {
      n = V2TreeNode.kv(path, readString(in), created, parent, expire);
    }
    n.modifiedIndex = modified;
    return n;
  }

  private static void writeNode(DataOutputStream out, V2Node n) throws IOException {
    out.writeUTF(n.key());
    out.writeBoolean(n.value() != null);
    if (n.value() != null) {
      writeString(out, n.value());
    }
    out.writeBoolean(n.dir());
    out.writeLong(n.expirationMs());
    out.writeLong(n.ttl());
    out.writeLong(n.modifiedIndex());
    out.writeLong(n.createdIndex());
    out.writeInt(n.nodes() == null ? -1 : n.nodes().size());
    if (n.nodes() != null) {
      for (V2Node c : n.nodes()) {
        writeNode(out, c);
      }
    }
  }

  private static V2Node readNode(DataInputStream in) throws IOException {
    String key = in.readUTF();
    String value = in.readBoolean() ? readString(in) : null;
    boolean dir = in.readBoolean();
    long exp = in.readLong();
    long ttl = in.readLong();
    long mod = in.readLong();
    long created = in.readLong();
    int count = in.readInt();
    List<V2Node> nodes = null;
    if (count >= 0) {
      nodes = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        nodes.add(readNode(in));
      }
    }
    return new V2Node(key, value, dir, exp, ttl, nodes, mod, created);
  }

  /** Values may exceed writeUTF's 64 KiB: length-prefixed UTF-8. */
  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }
}
