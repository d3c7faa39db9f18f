package io.keel.raft.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What members have published about themselves (name, client URLs), replicated through the log so
 * every member lists the same cluster. Written by the FSM thread, read by any thread.
 */
public final class Membership {
  /** A member's published attributes. */
  public record Attributes(String name, List<String> clientUrls) {}

  private final Map<Long, Attributes> published = new ConcurrentHashMap<>();

  void publish(Command.Publish p) {
    published.put(p.memberId(), new Attributes(p.name(), List.copyOf(p.clientUrls())));
  }

  public Attributes get(long memberId) {
    return published.get(memberId);
  }

  void write(OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    Map<Long, Attributes> sorted = new TreeMap<>(published);
    d.writeInt(1); // format
    d.writeInt(sorted.size());
    for (Map.Entry<Long, Attributes> e : sorted.entrySet()) {
      d.writeLong(e.getKey());
      d.writeUTF(e.getValue().name());
      d.writeInt(e.getValue().clientUrls().size());
      for (String u : e.getValue().clientUrls()) {
        d.writeUTF(u);
      }
    }
    d.flush();
  }

  void read(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    if (d.readInt() != 1) {
      throw new IOException("unknown membership snapshot format");
    }
    Map<Long, Attributes> loaded = new TreeMap<>();
    int n = d.readInt();
    for (int i = 0; i < n; i++) {
      long id = d.readLong();
      String name = d.readUTF();
      int urls = d.readInt();
      List<String> list = new ArrayList<>(urls);
      for (int j = 0; j < urls; j++) {
        list.add(d.readUTF());
      }
      loaded.put(id, new Attributes(name, list));
    }
    published.clear();
    published.putAll(loaded);
  }
}
