package io.keel.raft.internal.etcd;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.keel.api.auth.Permission;
import io.keel.api.kv.KeyValue;
import io.keel.auth.AuthState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The protobuf records etcd 3.4 keeps in its buckets, by hand (their field numbers from
 * {@code mvccpb/kv.proto}, {@code leasepb/lease.proto} and {@code authpb/auth.proto}): a few
 * fields each, not worth generating etcd's protos into keel-raft. Written as gogoproto marshals
 * them (fields in number order, proto3 zero values left out), so a file Keel writes hashes like
 * one etcd writes with the same contents. Reading skips fields it does not know.
 */
final class EtcdRecords {
  private EtcdRecords() {}

  /** mvccpb.KeyValue: key 1, create_revision 2, mod_revision 3, version 4, value 5, lease 6. */
  static byte[] keyValue(KeyValue kv) {
    return encode(out -> {
      bytes(out, 1, kv.key());
      int64(out, 2, kv.createRevision());
      int64(out, 3, kv.modRevision());
      int64(out, 4, kv.version());
      bytes(out, 5, kv.value());
      int64(out, 6, kv.lease());
    });
  }

  /** etcd's tombstone record: the key alone (its revision is the bucket key). */
  static byte[] tombstone(byte[] key) {
    return encode(out -> bytes(out, 1, key));
  }

  /** A KeyValue record's fields; the mod revision is the caller's (the bucket key's). */
  record Kv(byte[] key, long createRevision, long modRevision, long version, byte[] value, long lease) {}

  static Kv keyValue(byte[] record) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(record);
    byte[] key = new byte[0];
    byte[] value = new byte[0];
    long create = 0;
    long mod = 0;
    long version = 0;
    long lease = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> key = in.readByteArray();
        case (2 << 3) -> create = in.readInt64();
        case (3 << 3) -> mod = in.readInt64();
        case (4 << 3) -> version = in.readInt64();
        case (5 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> value = in.readByteArray();
        case (6 << 3) -> lease = in.readInt64();
        default -> in.skipField(tag);
      }
    }
    return new Kv(key, create, mod, version, value, lease);
  }

  /** leasepb.Lease: ID 1, TTL 2 (RemainingTTL 3 is only written by checkpoints, which Keel keeps apart). */
  static byte[] lease(long id, long ttlSeconds) {
    return encode(out -> {
      int64(out, 1, id);
      int64(out, 2, ttlSeconds);
    });
  }

  /** A lease record's ID and TTL. */
  static long[] lease(byte[] record) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(record);
    long[] idTtl = new long[2];
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case (1 << 3) -> idTtl[0] = in.readInt64();
        case (2 << 3) -> idTtl[1] = in.readInt64();
        default -> in.skipField(tag);
      }
    }
    return idTtl;
  }

  /** authpb.User: name 1, password 2 (the bcrypt hash), roles 3, options 4 (UserAddOptions: no_password 1). */
  static byte[] user(AuthState.User u) {
    return encode(out -> {
      bytes(out, 1, u.name().getBytes(StandardCharsets.UTF_8));
      bytes(out, 2, u.passwordHash().getBytes(StandardCharsets.UTF_8));
      for (String role : u.roles()) {
        bytes(out, 3, role.getBytes(StandardCharsets.UTF_8));
      }
      if (u.noPassword()) {
        out.writeTag(4, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(2);
        out.writeBool(1, true);
      }
    });
  }

  static AuthState.User user(byte[] record) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(record);
    String name = "";
    String password = "";
    boolean noPassword = false;
    List<String> roles = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> name = in.readStringRequireUtf8();
        case (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> password = in.readStringRequireUtf8();
        case (3 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> roles.add(in.readStringRequireUtf8());
        case (4 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
          CodedInputStream options = CodedInputStream.newInstance(in.readByteArray());
          for (int t = options.readTag(); t != 0; t = options.readTag()) {
            if (t == (1 << 3)) {
              noPassword = options.readBool();
            } else {
              options.skipField(t);
            }
          }
        }
        default -> in.skipField(tag);
      }
    }
    return new AuthState.User(name, password, noPassword, roles.stream().sorted().toList());
  }

  /** authpb.Role: name 1, keyPermission 2 (Permission: permType 1, key 2, range_end 3). */
  static byte[] role(AuthState.Role r) {
    return encode(out -> {
      bytes(out, 1, r.name().getBytes(StandardCharsets.UTF_8));
      for (Permission p : r.permissions()) {
        byte[] perm = encode(o -> {
          if (p.type().ordinal() != 0) {
            o.writeEnum(1, p.type().ordinal());
          }
          bytes(o, 2, p.key());
          bytes(o, 3, p.rangeEnd());
        });
        bytes(out, 2, perm);
      }
    });
  }

  /** IllegalArgumentException on an unknown permission type. */
  static AuthState.Role role(byte[] record) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(record);
    String name = "";
    List<Permission> perms = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> name = in.readStringRequireUtf8();
        case (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
          CodedInputStream p = CodedInputStream.newInstance(in.readByteArray());
          int type = 0;
          byte[] key = new byte[0];
          byte[] end = new byte[0];
          for (int t = p.readTag(); t != 0; t = p.readTag()) {
            switch (t) {
              case (1 << 3) -> type = p.readEnum();
              case (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> key = p.readByteArray();
              case (3 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> end = p.readByteArray();
              default -> p.skipField(t);
            }
          }
          perms.add(new Permission(Permission.Type.of(type), key, end));
        }
        default -> in.skipField(tag);
      }
    }
    return new AuthState.Role(name, perms);
  }

  /** etcdserverpb.AlarmMember, the alarm bucket's key: MemberID 1 (uint64), Alarm 2 (enum). */
  static byte[] alarmMember(long memberId, int alarm) {
    return encode(out -> {
      if (memberId != 0) {
        out.writeUInt64(1, memberId);
      }
      if (alarm != 0) {
        out.writeEnum(2, alarm);
      }
    });
  }

  // ---------------------------------------------------------------- encoding

  private interface Fields {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] encode(Fields fields) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(buf);
    try {
      fields.write(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory", e);
    }
    return buf.toByteArray();
  }

  private static void bytes(CodedOutputStream out, int field, byte[] value) throws IOException {
    if (value.length > 0) {
      out.writeByteArray(field, value);
    }
  }

  private static void int64(CodedOutputStream out, int field, long value) throws IOException {
    if (value != 0) {
      out.writeInt64(field, value);
    }
  }
}
