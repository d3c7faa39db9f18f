package io.keel.raft.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.keel.raft.internal.proto.AlarmRequest;
import io.keel.raft.internal.proto.InternalRequest;
import io.keel.raft.internal.proto.LeaseCheckpoint;
import io.keel.raft.internal.proto.LeaseCheckpointRequest;
import io.keel.raft.internal.proto.LeaseGrantRequest;
import io.keel.raft.internal.proto.LeaseRevokeRequest;
import io.keel.raft.internal.proto.MemberAddRequest;
import io.keel.raft.internal.proto.MemberPromoteRequest;
import io.keel.raft.internal.proto.MemberRemoveRequest;
import io.keel.raft.internal.proto.MemberUpdateRequest;
import io.keel.raft.internal.proto.PublishRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The log entry format: a format byte, then the entry. Format 2 (written now) is an {@link
 * InternalRequest} message of {@code internal.proto}; format 1 is the hand-written layout of
 * earlier builds, still read by {@link LegacyCommandCodec} so that logs they wrote replay. "Add a
 * format, never change one": a new layout takes a new byte and the old ones stay readable; within
 * format 2, protobuf's rules apply (new fields and commands take new numbers).
 *
 * <p>Encoding writes the message straight into the one array jraft takes; key and value bytes are
 * wrapped, not copied, on the way. Decoding reads aliased to the entry's buffer, so each field is
 * copied once, into the request it becomes.
 */
public final class CommandCodec {
  /** The format byte of entries written now. */
  static final byte FORMAT = 2;

  private CommandCodec() {}

  public static byte[] encode(Command command) {
    InternalRequest message = message(command);
    int size = message.getSerializedSize();
    byte[] entry = new byte[1 + size];
    entry[0] = FORMAT;
    CodedOutputStream out = CodedOutputStream.newInstance(entry, 1, size);
    try {
      message.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the array has exactly the size computed
    }
    out.checkNoSpaceLeft();
    return entry;
  }

  /** Decodes an entry of any known format; a malformed entry is a broken invariant of the log and throws. */
  public static Command decode(ByteBuffer data) {
    if (!data.hasRemaining()) {
      throw new IllegalStateException("empty log entry");
    }
    byte format = data.get(data.position());
    if (format == LegacyCommandCodec.FORMAT) {
      return LegacyCommandCodec.decode(data);
    }
    if (format != FORMAT) {
      throw new IllegalStateException("unknown log entry format " + format);
    }
    ByteBuffer body = data.duplicate();
    body.position(body.position() + 1);
    CodedInputStream in = body.hasArray()
        ? CodedInputStream.newInstance(body.array(), body.arrayOffset() + body.position(), body.remaining())
        : CodedInputStream.newInstance(body);
    in.enableAliasing(true); // fields are copied once, by the mapping below
    try {
      return command(InternalRequest.parseFrom(in));
    } catch (IOException e) { // InvalidProtocolBufferException: reading an array does no I/O
      throw new IllegalStateException("malformed log entry: " + e.getMessage(), e);
    } catch (RuntimeException e) { // well-formed protobuf with values no command has (found by fuzzing)
      throw new IllegalStateException("malformed log entry: " + e.getMessage(), e);
    }
  }

  static InternalRequest message(Command command) {
    InternalRequest.Builder b = InternalRequest.newBuilder();
    if (command instanceof Command.AsUser u) {
      b.setHeader(io.keel.raft.internal.proto.RequestHeader.newBuilder().setUsername(u.user())
          .setAuthRevision(u.authRevision()));
      command = u.command();
    }
    if (command instanceof Command.AuthChange a) {
      b.setAuth(AuthCodec.message(a));
    } else if (command instanceof Command.Put p) {
      b.setPut(KvMessages.put(p.request()));
    } else if (command instanceof Command.DeleteRange d) {
      b.setDeleteRange(KvMessages.deleteRange(d.request()));
    } else if (command instanceof Command.Txn t) {
      b.setTxn(KvMessages.txn(t.request()));
    } else if (command instanceof Command.Compact c) {
      b.setCompaction(KvMessages.compaction(c.request()));
    } else if (command instanceof Command.LeaseGrant g) {
      b.setLeaseGrant(LeaseGrantRequest.newBuilder().setId(g.id()).setTtlSeconds(g.ttlSeconds()));
    } else if (command instanceof Command.LeaseRevoke r) {
      b.setLeaseRevoke(LeaseRevokeRequest.newBuilder().setId(r.id()));
    } else if (command instanceof Command.LeaseCheckpoint c) {
      LeaseCheckpointRequest.Builder cp = LeaseCheckpointRequest.newBuilder();
      for (int i = 0; i < c.ids().length; i++) {
        cp.addCheckpoints(LeaseCheckpoint.newBuilder().setId(c.ids()[i]).setRemainingMs(c.remainingMs()[i]));
      }
      b.setLeaseCheckpoint(cp);
    } else if (command instanceof Command.MemberAdd a) {
      b.setMemberAdd(MemberAddRequest.newBuilder().setMemberId(a.memberId()).addAllPeerUrls(a.peerUrls())
          .setLearner(a.learner()));
    } else if (command instanceof Command.MemberRemove r) {
      b.setMemberRemove(MemberRemoveRequest.newBuilder().setMemberId(r.memberId()));
    } else if (command instanceof Command.MemberPromote p) {
      b.setMemberPromote(MemberPromoteRequest.newBuilder().setMemberId(p.memberId()));
    } else if (command instanceof Command.MemberUpdate u) {
      b.setMemberUpdate(MemberUpdateRequest.newBuilder().setMemberId(u.memberId()).addAllPeerUrls(u.peerUrls()));
    } else if (command instanceof Command.AlarmChange a) {
      b.setAlarm(AlarmRequest.newBuilder().setActivate(a.activate()).setMemberId(a.memberId()).setAlarm(a.type()));
    } else if (command instanceof Command.Publish p) {
      b.setPublish(PublishRequest.newBuilder().setMemberId(p.memberId()).setName(p.name())
          .addAllClientUrls(p.clientUrls()).setClusterId(p.clusterId()));
    } else if (command instanceof Command.V2 v) {
      io.keel.api.v2.V2Request r = v.request();
      b.setV2(io.keel.raft.internal.proto.V2Request.newBuilder().setMethod(r.method()).setPath(r.path())
          .setValue(r.value()).setDir(r.dir()).setPrevValue(r.prevValue()).setPrevIndex(r.prevIndex())
          .setPrevExist(r.prevExist() == null ? 0 : r.prevExist() ? 2 : 1).setExpirationMs(r.expirationMs())
          .setRefresh(r.refresh()).setRecursive(r.recursive()));
    } else {
      throw new IllegalArgumentException("unknown command " + command);
    }
    return b.build();
  }

  static Command command(InternalRequest r) {
    Command command = body(r);
    if (r.hasHeader()) {
      return new Command.AsUser(r.getHeader().getUsername(), r.getHeader().getAuthRevision(), command);
    }
    return command;
  }

  private static Command body(InternalRequest r) {
    return switch (r.getCommandCase()) {
      case PUT -> new Command.Put(KvMessages.put(r.getPut()));
      case DELETE_RANGE -> new Command.DeleteRange(KvMessages.deleteRange(r.getDeleteRange()));
      case TXN -> new Command.Txn(KvMessages.txn(r.getTxn()));
      case COMPACTION -> new Command.Compact(KvMessages.compaction(r.getCompaction()));
      case LEASE_GRANT -> new Command.LeaseGrant(r.getLeaseGrant().getId(), r.getLeaseGrant().getTtlSeconds());
      case LEASE_REVOKE -> new Command.LeaseRevoke(r.getLeaseRevoke().getId());
      case LEASE_CHECKPOINT -> {
        List<LeaseCheckpoint> cps = r.getLeaseCheckpoint().getCheckpointsList();
        long[] ids = new long[cps.size()];
        long[] remaining = new long[cps.size()];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = cps.get(i).getId();
          remaining[i] = cps.get(i).getRemainingMs();
        }
        yield new Command.LeaseCheckpoint(ids, remaining);
      }
      case MEMBER_ADD -> new Command.MemberAdd(r.getMemberAdd().getMemberId(),
          List.copyOf(r.getMemberAdd().getPeerUrlsList()), r.getMemberAdd().getLearner());
      case MEMBER_REMOVE -> new Command.MemberRemove(r.getMemberRemove().getMemberId());
      case MEMBER_PROMOTE -> new Command.MemberPromote(r.getMemberPromote().getMemberId());
      case MEMBER_UPDATE -> new Command.MemberUpdate(r.getMemberUpdate().getMemberId(),
          List.copyOf(r.getMemberUpdate().getPeerUrlsList()));
      case ALARM -> new Command.AlarmChange(r.getAlarm().getActivate(), r.getAlarm().getMemberId(),
          r.getAlarm().getAlarm());
      case PUBLISH -> new Command.Publish(r.getPublish().getMemberId(), r.getPublish().getName(),
          List.copyOf(r.getPublish().getClientUrlsList()), r.getPublish().getClusterId());
      case AUTH -> AuthCodec.command(r.getAuth());
      case V2 -> {
        io.keel.raft.internal.proto.V2Request v = r.getV2();
        yield new Command.V2(new io.keel.api.v2.V2Request(v.getMethod(), v.getPath(), v.getValue(), v.getDir(),
            v.getPrevValue(), v.getPrevIndex(), v.getPrevExist() == 0 ? null : v.getPrevExist() == 2,
            v.getExpirationMs(), v.getRefresh(), v.getRecursive()));
      }
      case COMMAND_NOT_SET -> throw new IllegalStateException("log entry with no command (from a newer build?)");
    };
  }
}
