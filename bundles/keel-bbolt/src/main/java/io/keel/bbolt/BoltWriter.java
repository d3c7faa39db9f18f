package io.keel.bbolt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Writes a new bbolt file (page size 4096) that real bbolt and etcd open. Streaming: a page goes out as soon as
 * it is full, so memory holds one unfinished page per tree level of each open bucket (plus any value larger than
 * a page while it is written), whatever the data's size. The meta pages 0 and 1 describe the finished tree, so
 * they are written last, out of order: the writer needs a {@link SeekableByteChannel} (a {@link FileChannel}),
 * empty and positioned at 0, which it does not close; {@link #create(Path)} opens a new file instead and closes
 * it on {@link #close()}. The file is complete only after {@link #finish()}.
 *
 * <p>Layout: metas at pages 0 and 1; from page 2, each bucket's pages bottom-up as they fill (a nested bucket's
 * amid its parent's); then the root bucket's pages, an empty freelist page, and last the two metas (txids 0 and
 * 1, both describing the same tree, as a freshly created bbolt file has). Buckets small enough are inline, as
 * bbolt makes them. Sequences are 0.
 *
 * <pre>{@code
 * try (BoltWriter w = BoltWriter.create(file)) {
 *   BucketSink key = w.bucket("key");
 *   key.put(k1, v1);
 *   key.put(k2, v2);        // k1 < k2
 *   w.bucket("meta").put(...);  // "key" < "meta"; ends "key"
 *   w.finish();
 * }
 * }</pre>
 */
public final class BoltWriter implements AutoCloseable {
  /** bbolt's MaxKeySize. */
  static final int MAX_KEY_SIZE = 32768;

  private final SeekableByteChannel channel;
  private final boolean owned;
  private final PageOut out;
  private final TreeBuilder root;
  private byte[] lastBucket;
  /** The open buckets, outermost first: a top-level bucket and the nested buckets open inside it. */
  private final List<Sink> open = new ArrayList<>();
  private boolean finished;

  public BoltWriter(SeekableByteChannel out) {
    this(out, false);
  }

  private BoltWriter(SeekableByteChannel channel, boolean owned) {
    this.channel = channel;
    this.owned = owned;
    this.out = new PageOut(channel);
    this.root = new TreeBuilder(this.out);
  }

  /** A writer over a new file {@code file} (which must not exist), closed with the writer. */
  public static BoltWriter create(Path file) throws IOException {
    return new BoltWriter(FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), true);
  }

  /** Starts the next top-level bucket (its name UTF-8), ending the one before; names must ascend. */
  public BucketSink bucket(String name) throws IOException {
    checkOpen();
    byte[] key = checkKey(name.getBytes(StandardCharsets.UTF_8), lastBucket, "bucket name");
    closeFrom(0);
    lastBucket = key;
    Sink s = new Sink(null, key, name);
    open.add(s);
    return s;
  }

  /** Writes the last pages, the root bucket, the freelist and both meta pages: the file is complete. */
  public void finish() throws IOException {
    checkOpen();
    closeFrom(0);
    long rootPage = ByteBuffer.wrap(root.finish(false)).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    ByteBuffer freelist = ByteBuffer.allocate(Layout.PAGE_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    freelist.putShort(8, (short) Layout.FREELIST_PAGE);
    long freelistPage = out.write(freelist);
    long highWater = out.nextPageId();
    for (int id = 0; id < 2; id++) {
      out.flushAndWrite(id, meta(id, rootPage, freelistPage, highWater, id));
    }
    finished = true;
  }

  private static ByteBuffer meta(long id, long rootPage, long freelistPage, long highWater, long txid) {
    ByteBuffer b = ByteBuffer.allocate(PageOut.PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, id).putShort(8, (short) Layout.META_PAGE);
    int m = Layout.PAGE_HEADER;
    b.putInt(m, Layout.MAGIC).putInt(m + 4, Layout.VERSION).putInt(m + 8, PageOut.PAGE_SIZE).putInt(m + 12, 0);
    b.putLong(m + 16, rootPage).putLong(m + 24, 0).putLong(m + 32, freelistPage).putLong(m + 40, highWater);
    b.putLong(m + 48, txid);
    b.putLong(m + 56, Layout.fnv64a(b.array(), m, Layout.META_CHECKSUMMED));
    return b;
  }

  /** Closes the channel if {@link #create} opened it; a writer closed before {@link #finish()} leaves no valid file. */
  @Override
  public void close() throws IOException {
    finished = true;
    if (owned) {
      channel.close();
    }
  }

  private void checkOpen() {
    if (finished) {
      throw new IllegalStateException("the writer is finished");
    }
  }

  private static byte[] checkKey(byte[] key, byte[] last, String what) {
    if (key.length == 0 || key.length > MAX_KEY_SIZE) {
      throw new IllegalArgumentException("a " + what + " of " + key.length + " bytes: bbolt takes 1.."
          + MAX_KEY_SIZE);
    }
    if (last != null && Arrays.compareUnsigned(last, key) >= 0) {
      throw new IllegalArgumentException("keys must ascend: " + what + " " + printable(key) + " comes after "
          + printable(last));
    }
    return key;
  }

  private static String printable(byte[] key) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < Math.min(key.length, 64); i++) {
      int c = key[i] & 0xff;
      sb.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? String.valueOf((char) c)
          : String.format("\\x%02x", c));
    }
    return sb.append(key.length > 64 ? "...\"" : "\"").toString();
  }

  /** Finishes the open buckets from depth {@code depth} inward, innermost first. */
  private void closeFrom(int depth) throws IOException {
    for (int i = open.size() - 1; i >= depth; i--) {
      Sink s = open.remove(i);
      byte[] value = s.tree.finish(true);
      if (s.parent == null) {
        root.put(Layout.BUCKET_LEAF, s.name, value);
      } else {
        s.parent.tree.put(Layout.BUCKET_LEAF, s.name, value);
      }
    }
  }

  private final class Sink implements BucketSink {
    final Sink parent;
    final byte[] name;
    final String label;
    final TreeBuilder tree = new TreeBuilder(out);
    byte[] last;

    Sink(Sink parent, byte[] name, String label) {
      this.parent = parent;
      this.name = name;
      this.label = label;
    }

    /** Makes this the innermost open bucket, finishing any nested ones still open in it. */
    private void enter() throws IOException {
      checkOpen();
      int depth = open.indexOf(this);
      if (depth < 0) {
        throw new IllegalStateException("bucket " + label + " is finished");
      }
      closeFrom(depth + 1);
    }

    @Override
    public void put(byte[] key, byte[] value) throws IOException {
      Objects.requireNonNull(value, "value");
      enter();
      last = checkKey(key, last, "key in bucket " + label);
      tree.put(0, key, value);
    }

    @Override
    public BucketSink bucket(String child) throws IOException {
      enter();
      byte[] key = checkKey(child.getBytes(StandardCharsets.UTF_8), last, "bucket name in bucket " + label);
      last = key;
      Sink s = new Sink(this, key, label + "/" + child);
      open.add(s);
      return s;
    }
  }
}
