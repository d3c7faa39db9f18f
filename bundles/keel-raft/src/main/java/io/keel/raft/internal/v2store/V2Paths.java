package io.keel.raft.internal.v2store;

import java.util.ArrayDeque;
import java.util.Deque;

/** Go's path.Clean(path.Join("/", p)), as etcd's v2 store normalises every key. */
final class V2Paths {
  private V2Paths() {}

  static String clean(String p) {
    Deque<String> parts = new ArrayDeque<>();
    for (String s : p.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(s);
      }
    }
    return "/" + String.join("/", parts);
  }

  /** The last element of a clean path ("" for the root). */
  static String base(String clean) {
    return clean.substring(clean.lastIndexOf('/') + 1);
  }

  /** The parent of a clean path ("/" for a top-level key). */
  static String dir(String clean) {
    int slash = clean.lastIndexOf('/');
    return slash <= 0 ? "/" : clean.substring(0, slash);
  }

  static String join(String parent, String name) {
    return parent.equals("/") ? "/" + name : parent + "/" + name;
  }
}
