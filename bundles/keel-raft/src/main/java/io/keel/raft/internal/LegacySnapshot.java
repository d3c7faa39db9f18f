package io.keel.raft.internal;

import io.keel.api.kv.KeyValue;
import io.keel.mvcc.MvccStore;
import io.keel.mvcc.StoreBuilder;
import io.keel.mvcc.StoredVersion;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * Reads the snapshot formats Keel wrote before {@link SnapshotFile}: read-only, so that a data
 * dir (or a backup) made by an older build still loads. Never change it: it describes data
 * already on disk. Two files, big-endian ({@link java.io.DataOutputStream}):
 *
 * <pre>
 * kv.snap (also the body of an old backup):
 *   "KEELMVCC"  int formatVersion=1
 *   long currentRev  long compactMainRev (-1: never compacted)
 *   int leaseCount, then per lease by ascending id:  long id  long ttlSeconds
 *   per key in ascending unsigned order:  byte 1  int keyLength  key
 *     int versionCount, then per version oldest first:
 *       long modRevision  int subRevision  long createRevision  long version (0 = tombstone)
 *       long lease  int valueLength  value
 *   byte 0
 *   int CRC32C of every byte above
 *
 * members.snap:
 *   int format=4
 *   int n, then n x (long id, UTF name, int k, k x UTF clientUrl)          published attributes
 *   int n, then n x (long id, boolean learner, int k, k x UTF peerUrl)     member entries
 *   long clusterId
 *   int n, then n x (long memberId, int alarmType)                         active alarms
 *   int n, then n x long id                                               removed members
 *   int n, then n x UTF peerUrl                                           retired peer URLs
 *   int n, then n x (long leaseId, long remainingMs)                      lease checkpoints
 * </pre>
 */
final class LegacySnapshot {
  static final String STORE_FILE = "kv.snap";
  static final String MEMBERS_FILE = "members.snap";
  static final byte[] STORE_MAGIC = "KEELMVCC".getBytes(StandardCharsets.US_ASCII);
  private static final int STORE_FORMAT = 1;
  private static final int MEMBERS_FORMAT = 4;
  private static final byte KEY = 1;
  private static final byte END = 0;

  private LegacySnapshot() {}

  /** The member table and lease checkpoints of an old members.snap. */
  record Members(Membership.State table, Map<Long, Long> checkpoints) {}

  /** An old kv.snap (the magic included); IOException if it is corrupt or truncated. */
  static MvccStore readStore(InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    CRC32C crc = new CRC32C();
    DataInputStream data = new DataInputStream(new CheckedInputStream(buffered, crc));
    byte[] magic = data.readNBytes(STORE_MAGIC.length);
    if (!Arrays.equals(magic, STORE_MAGIC)) {
      throw new IOException("not a Keel MVCC snapshot");
    }
    int format = data.readInt();
    if (format != STORE_FORMAT) {
      throw new IOException("unsupported MVCC snapshot format " + format);
    }
    try {
      StoreBuilder store = new StoreBuilder(data.readLong(), data.readLong());
      int leaseCount = data.readInt();
      check(leaseCount >= 0, "lease count");
      for (int i = 0; i < leaseCount; i++) {
        store.lease(data.readLong(), data.readLong());
      }
      for (byte tag = data.readByte(); tag != END; tag = data.readByte()) {
        check(tag == KEY, "record tag");
        byte[] key = readBytes(data);
        store.key(key, readVersions(data, key));
      }
      long expected = crc.getValue();
      byte[] trailer = buffered.readNBytes(4);
      check(trailer.length == 4, "checksum trailer");
      long actual = ((trailer[0] & 0xffL) << 24) | ((trailer[1] & 0xffL) << 16) | ((trailer[2] & 0xffL) << 8)
          | (trailer[3] & 0xffL);
      if (actual != expected) {
        throw new IOException("MVCC snapshot checksum mismatch");
      }
      return store.build();
    } catch (IllegalArgumentException e) {
      throw new IOException("corrupt MVCC snapshot: " + e.getMessage(), e);
    }
  }

  private static List<StoredVersion> readVersions(DataInputStream data, byte[] key) throws IOException {
    int count = data.readInt();
    check(count > 0, "version count");
    List<StoredVersion> versions = new ArrayList<>(Math.min(count, 1024));
    for (int i = 0; i < count; i++) {
      long mod = data.readLong();
      int sub = data.readInt();
      long create = data.readLong();
      long version = data.readLong();
      long lease = data.readLong();
      byte[] value = readBytes(data);
      versions.add(new StoredVersion(new KeyValue(key, create, mod, version, value, lease), sub));
    }
    return versions;
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

  /** An old members.snap. */
  static Members readMembers(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(new BufferedInputStream(in));
    if (d.readInt() != MEMBERS_FORMAT) {
      throw new IOException("unknown membership snapshot format");
    }
    Map<Long, Membership.Attributes> published = new TreeMap<>();
    int n = d.readInt();
    for (int i = 0; i < n; i++) {
      long id = d.readLong();
      String name = d.readUTF();
      published.put(id, new Membership.Attributes(name, readUtfs(d)));
    }
    Map<Long, Membership.Entry> members = new TreeMap<>();
    int na = d.readInt();
    for (int i = 0; i < na; i++) {
      long id = d.readLong();
      boolean learner = d.readBoolean();
      members.put(id, new Membership.Entry(readUtfs(d), learner));
    }
    long clusterId = d.readLong();
    List<Map.Entry<Long, Integer>> alarms = new ArrayList<>();
    int nal = d.readInt();
    for (int i = 0; i < nal; i++) {
      alarms.add(Map.entry(d.readLong(), d.readInt()));
    }
    List<Long> removed = new ArrayList<>();
    int nr = d.readInt();
    for (int i = 0; i < nr; i++) {
      removed.add(d.readLong());
    }
    List<String> retired = readUtfs(d);
    Map<Long, Long> checkpoints = new HashMap<>();
    int nc = d.readInt();
    for (int i = 0; i < nc; i++) {
      checkpoints.put(d.readLong(), d.readLong());
    }
    return new Members(new Membership.State(members, published, clusterId, alarms, removed, retired), checkpoints);
  }

  private static List<String> readUtfs(DataInputStream d) throws IOException {
    int n = d.readInt();
    check(n >= 0, "count");
    List<String> out = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      out.add(d.readUTF());
    }
    return out;
  }

  private static void check(boolean ok, String what) throws IOException {
    if (!ok) {
      throw new IOException("corrupt MVCC snapshot: bad " + what);
    }
  }
}
