package io.keel.bbolt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A bucket's B+tree: a root page id, or an inline leaf page carried in the parent's value. Walks read each page
 * once into a buffer per tree level (reused across siblings), check that keys ascend strictly across the whole
 * walk, and give up past {@link #MAX_DEPTH} levels, which is how a cycle of page ids shows.
 */
final class TreeBucket implements BoltBucket {
  /** bbolt's trees are a handful of levels deep (a 4 KiB page fans out ~100-200 ways); a cycle goes on forever. */
  static final int MAX_DEPTH = 32;

  private final PageFile file;
  private final long root;
  private final byte[] inline;
  /** The bucket's path from the top ("key", "a/b") for messages; "root bucket" for the root. */
  private final String path;
  private final String name;

  private TreeBucket(PageFile file, long root, byte[] inline, String path, String name) {
    this.file = file;
    this.root = root;
    this.inline = inline;
    this.path = path;
    this.name = name;
  }

  static TreeBucket rootBucket(PageFile file, long root) {
    return new TreeBucket(file, root, null, "", "root bucket");
  }

  /** The bucket at {@code path} whose header (and inline page) is {@code value}. */
  static TreeBucket fromValue(PageFile file, byte[] value, String path) throws BoltFormatException {
    if (value.length < Layout.BUCKET_HEADER) {
      throw new BoltFormatException("bucket " + path + ": value of " + value.length + " bytes is shorter than a"
          + " bucket header");
    }
    long root = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    return new TreeBucket(file, root, root == 0 ? value : null, path, "bucket " + path);
  }

  private String childPath(String child) {
    return path.isEmpty() ? child : path + "/" + child;
  }

  /** Receives leaf elements in key order; {@code node} and {@code i} are valid only during the call. */
  interface ElementVisitor {
    void visit(Node node, int i, int keyOffset, int keySize) throws IOException;
  }

  /** A walk's state: one buffer and node view per level, and the previous key for the order check. */
  private final class Walk {
    final ByteBuffer[] buffers = new ByteBuffer[MAX_DEPTH];
    final Node[] nodes = new Node[MAX_DEPTH];
    byte[] prev = new byte[64];
    int prevLength = -1;

    Node node(int depth, long pgid) throws IOException {
      if (depth >= MAX_DEPTH) {
        throw new BoltFormatException(name + ": more than " + MAX_DEPTH + " levels of pages below its root at page "
            + pgid + " (a cycle?)");
      }
      if (nodes[depth] == null) {
        nodes[depth] = new Node();
      }
      if (depth == 0 && inline != null) {
        ByteBuffer b = ByteBuffer.wrap(inline).order(ByteOrder.LITTLE_ENDIAN);
        Node n = nodes[0].reset(b, Layout.BUCKET_HEADER, inline.length, name + " (inline page)");
        if (!n.leaf()) {
          throw new BoltFormatException(name + ": an inline bucket's page is a branch page");
        }
        return n;
      }
      if (buffers[depth] == null) {
        buffers[depth] = file.newBuffer();
      }
      ByteBuffer b = file.read(pgid, buffers[depth], name);
      buffers[depth] = b;
      return nodes[depth].reset(b, 0, b.limit(), name + ": page " + pgid);
    }

    void walk(int depth, long pgid, ElementVisitor visitor) throws IOException {
      Node n = node(depth, pgid);
      for (int i = 0; i < n.count; i++) {
        if (n.leaf()) {
          int k = n.keyOffset(i);
          int ks = n.keySize(i);
          ascending(n, k, ks, i);
          visitor.visit(n, i, k, ks);
        } else {
          n.keyOffset(i);
          walk(depth + 1, n.childPage(i), visitor);
        }
      }
    }

    private void ascending(Node n, int k, int ks, int i) throws BoltFormatException {
      byte[] a = n.buf.array();
      if (prevLength >= 0 && Arrays.compareUnsigned(prev, 0, prevLength, a, k, k + ks) >= 0) {
        throw new BoltFormatException(n.where + ": key " + i + " is not above the key before it");
      }
      if (prev.length < ks) {
        prev = new byte[Math.max(ks, prev.length * 2)];
      }
      System.arraycopy(a, k, prev, 0, ks);
      prevLength = ks;
    }
  }

  void walk(ElementVisitor visitor) throws IOException {
    new Walk().walk(0, root, visitor);
  }

  /** bbolt puts no limit on nesting, but nothing real nests deeper; a bucket whose root is an ancestor's does. */
  static final int MAX_NESTING = 64;

  /** Walks this bucket and, depth first, each nested one. */
  void check(int nesting) throws IOException {
    if (nesting >= MAX_NESTING) {
      throw new BoltFormatException(name + ": buckets nested more than " + MAX_NESTING + " deep (a cycle?)");
    }
    List<TreeBucket> nested = new ArrayList<>();
    walk((n, i, k, ks) -> {
      if (n.isBucket(i)) {
        String child = new String(n.buf.array(), k, ks, StandardCharsets.UTF_8);
        nested.add(fromValue(file, n.copy(k + ks, n.valueSize(i)), childPath(child)));
      }
    });
    for (TreeBucket b : nested) {
      b.check(nesting + 1);
    }
  }

  /** Levels of pages from the root to the leftmost leaf (1 for a lone leaf or an inline bucket). */
  int height() throws IOException {
    Walk w = new Walk();
    long pgid = root;
    for (int depth = 0; ; depth++) {
      Node n = w.node(depth, pgid);
      if (n.leaf()) {
        return depth + 1;
      }
      pgid = n.childPage(0);
    }
  }

  @Override
  public void forEach(KeyValueVisitor visitor) throws IOException {
    walk((n, i, k, ks) -> {
      if (!n.isBucket(i)) {
        visitor.visit(n.copy(k, ks), n.copy(k + ks, n.valueSize(i)));
      }
    });
  }

  @Override
  public long count() throws IOException {
    long[] count = {0};
    walk((n, i, k, ks) -> {
      if (!n.isBucket(i)) {
        count[0]++;
      }
    });
    return count[0];
  }

  private record Found(byte[] value, boolean bucket) {}

  /** The value of {@code key} and whether it is a bucket, or null: bbolt's seek down the tree. */
  private Found find(byte[] key) throws IOException {
    Walk w = new Walk();
    long pgid = root;
    for (int depth = 0; ; depth++) {
      Node n = w.node(depth, pgid);
      int lo = 0;
      int hi = n.count - 1;
      int found = -1;
      int below = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int k = n.keyOffset(mid);
        int c = Arrays.compareUnsigned(n.buf.array(), k, k + n.keySize(mid), key, 0, key.length);
        if (c == 0) {
          found = mid;
          break;
        } else if (c < 0) {
          below = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      if (n.leaf()) {
        if (found < 0) {
          return null;
        }
        int k = n.keyOffset(found);
        return new Found(n.copy(k + n.keySize(found), n.valueSize(found)), n.isBucket(found));
      }
      pgid = n.childPage(found >= 0 ? found : Math.max(below, 0));
    }
  }

  @Override
  public byte[] get(byte[] key) throws IOException {
    Found f = find(key);
    return f == null || f.bucket() ? null : f.value();
  }

  @Override
  public BoltBucket bucket(String child) throws IOException {
    Found f = find(child.getBytes(StandardCharsets.UTF_8));
    return f == null || !f.bucket() ? null : fromValue(file, f.value(), childPath(child));
  }
}
