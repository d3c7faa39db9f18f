package io.keel.mvcc.internal;

import io.keel.api.kv.Bytes;
import io.keel.api.kv.KeyValue;
import io.keel.mvcc.LeaseInfo;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The store's only persistent form. Format version 1, big-endian ({@link DataOutputStream}):
 *
 * <pre>
 *   "KEELMVCC"  int formatVersion=1
 *   long currentRev  long compactMainRev (-1: never compacted)
 *   int leaseCount, then per lease by ascending id:  long id  long ttlSeconds
 *   per key in ascending unsigned order:  byte 1  int keyLength  key
 *     int versionCount, then per version oldest first:
 *       long modRevision  int subRevision  long createRevision  long version (0 = tombstone)
 *       long lease  int valueLength  value
 *   byte 0
 *   int CRC32C of every byte above
 * </pre>
 *
 * Lease attachments are not written: they are the leases of the keys' live versions and are
 * rebuilt on read. Reading checks the header, the orderings the index relies on and the checksum,
 * and fails with an IOException on any mismatch. It consumes {@code in} through a buffer, so give
 * it a stream that holds the snapshot alone.
 */
public final class SnapshotCodec {
  private static final byte[] MAGIC = "KEELMVCC".getBytes(StandardCharsets.US_ASCII);
  private static final int FORMAT_VERSION = 1;
  private static final byte KEY = 1;
  private static final byte END = 0;

  private SnapshotCodec() {}

  /** Writes {@code state}; the caller keeps writers out meanwhile. Flushes but does not close {@code out}. */
  public static void write(KvState state, OutputStream out) throws IOException {
    BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
    CRC32C crc = new CRC32C();
    DataOutputStream data = new DataOutputStream(new CheckedOutputStream(buffered, crc));
    data.write(MAGIC);
    data.writeInt(FORMAT_VERSION);
    data.writeLong(state.currentRev());
    data.writeLong(state.compactMainRev());
    List<LeaseInfo> leases = state.leases.all();
    data.writeInt(leases.size());
    for (LeaseInfo l : leases) {
      data.writeLong(l.id());
      data.writeLong(l.ttlSeconds());
    }
    for (KeyIndex ki : state.index.all()) {
      data.writeByte(KEY);
      data.writeInt(ki.key().length);
      data.write(ki.key());
      data.writeInt(ki.size());
      ki.forEach((kv, sub) -> {
        data.writeLong(kv.modRevision());
        data.writeInt(sub);
        data.writeLong(kv.createRevision());
        data.writeLong(kv.version());
        data.writeLong(kv.lease());
        data.writeInt(kv.value().length);
        data.write(kv.value());
      });
    }
    data.writeByte(END);
    data.flush();
    int sum = (int) crc.getValue();
    buffered.write(new byte[] {(byte) (sum >>> 24), (byte) (sum >>> 16), (byte) (sum >>> 8), (byte) sum});
    buffered.flush();
  }

  public static KvState read(InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    CRC32C crc = new CRC32C();
    DataInputStream data = new DataInputStream(new CheckedInputStream(buffered, crc));
    byte[] magic = data.readNBytes(MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a Keel MVCC snapshot");
    }
    int format = data.readInt();
    if (format != FORMAT_VERSION) {
      throw new IOException("unsupported MVCC snapshot format " + format);
    }
    KvState state = new KvState();
    long currentRev = data.readLong();
    long compactMainRev = data.readLong();
    check(currentRev >= 1 && compactMainRev >= -1 && compactMainRev <= currentRev, "revisions");
    state.setCurrentRev(currentRev);
    state.setCompactMainRev(compactMainRev);
    int leaseCount = data.readInt();
    check(leaseCount >= 0, "lease count");
    long lastLease = Long.MIN_VALUE;
    for (int i = 0; i < leaseCount; i++) {
      long id = data.readLong();
      long ttl = data.readLong();
      check(id != 0 && (i == 0 || id > lastLease), "lease order");
      check(ttl <= LeaseTable.MAX_LEASE_TTL_SECONDS, "lease TTL");
      state.leases.grant(id, ttl);
      lastLease = id;
    }
    byte[] lastKey = null;
    for (byte tag = data.readByte(); tag != END; tag = data.readByte()) {
      check(tag == KEY, "record tag");
      byte[] key = readBytes(data);
      check(key.length > 0 && (lastKey == null || Bytes.compare(lastKey, key) < 0), "key order");
      lastKey = key;
      state.index.restore(readVersions(data, key, currentRev, state));
    }
    long expected = crc.getValue();
    byte[] trailer = buffered.readNBytes(4);
    check(trailer.length == 4, "checksum trailer");
    long actual = ((trailer[0] & 0xffL) << 24) | ((trailer[1] & 0xffL) << 16) | ((trailer[2] & 0xffL) << 8)
        | (trailer[3] & 0xffL);
    if (actual != expected) {
      throw new IOException("MVCC snapshot checksum mismatch");
    }
    return state;
  }

  private static KeyIndex readVersions(DataInputStream data, byte[] key, long currentRev, KvState state)
      throws IOException {
    int count = data.readInt();
    check(count > 0, "version count");
    KeyIndex ki = new KeyIndex(key);
    long lastMod = 0;
    int lastSub = -1;
    for (int i = 0; i < count; i++) {
      long mod = data.readLong();
      int sub = data.readInt();
      long create = data.readLong();
      long version = data.readLong();
      long lease = data.readLong();
      byte[] value = readBytes(data);
      check(mod > lastMod || (mod == lastMod && sub > lastSub), "version order");
      check(mod <= currentRev && sub >= 0 && version >= 0, "version fields");
      KeyValue kv;
      if (version == 0) {
        check(create == 0 && lease == 0 && value.length == 0, "tombstone fields");
        kv = KeyIndex.tombstone(key, mod);
      } else {
        check(create >= 1 && create <= mod, "create revision");
        kv = new KeyValue(key, create, mod, version, value, lease);
      }
      ki.append(kv, sub);
      state.addSize(KeyIndex.footprint(kv));
      lastMod = mod;
      lastSub = sub;
    }
    KeyValue newest = ki.newest();
    if (!KeyIndex.isTombstone(newest) && newest.lease() != 0) {
      check(state.leases.exists(newest.lease()), "lease of a live key");
      state.leases.attach(newest.lease(), key);
    }
    return ki;
  }

  private static byte[] readBytes(DataInputStream data) throws IOException {
    int length = data.readInt();
    check(length >= 0, "length");
    byte[] bytes = data.readNBytes(length); // grows as data arrives: a corrupt length cannot exhaust memory
    if (bytes.length != length) {
      throw new EOFException("MVCC snapshot truncated");
    }
    return bytes;
  }

  private static void check(boolean ok, String what) throws IOException {
    if (!ok) {
      throw new IOException("corrupt MVCC snapshot: bad " + what);
    }
  }
}
