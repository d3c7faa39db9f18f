package io.keel.raft.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keel.api.kv.Compare;
import io.keel.api.kv.CompactionRequest;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import io.keel.api.kv.TxnRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class CommandCodecTest {

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Stream<Command> commands() {
    TxnRequest inner = new TxnRequest(List.of(), List.of(PutRequest.of(b("n"), b("1"))), List.of());
    return Stream.of(
        new Command.Put(new PutRequest(b("k"), b("v"), 7, true, false, true)),
        new Command.Put(PutRequest.of(b("k"), new byte[0])),
        new Command.DeleteRange(new DeleteRangeRequest(b("a"), b("b"), true)),
        new Command.Compact(new CompactionRequest(42, true)),
        new Command.LeaseGrant(0x1234abcdL, 60),
        new Command.LeaseRevoke(99),
        new Command.Publish(5, "m1", List.of("http://a:1", "http://b:2"), 77),
        new Command.MemberAdd(6, List.of("http://c:3"), true),
        new Command.MemberRemove(6),
        new Command.MemberPromote(6),
        new Command.MemberUpdate(7, java.util.List.of("http://10.0.0.9:2380")),
        new Command.Txn(new TxnRequest(
            List.of(new Compare(Compare.Result.GREATER, Compare.Target.VALUE, b("k"), b("l"), 0, b("x")),
                new Compare(Compare.Result.NOT_EQUAL, Compare.Target.LEASE, b("k"), new byte[0], 5, new byte[0])),
            List.of(new RangeRequest(b("a"), new byte[] {0}, 3, 9, SortOrder.DESCEND, SortTarget.MOD, true, true,
                false, 1, 2, 3, 4), inner),
            List.of(new DeleteRangeRequest(b("z"), new byte[0], false)))),
        new Command.LeaseCheckpoint(new long[] {3, 4}, new long[] {1000, 2000}),
        new Command.AlarmChange(true, 8, 1),
        new Command.AsUser("alice", 12, new Command.Put(PutRequest.of(b("k"), b("v")))),
        new Command.AsUser("", 0, new Command.LeaseRevoke(5)),
        new Command.AsUser("root", 3, new Command.UserAdd("bob", "$2a$10$x", false)),
        new Command.AuthEnable(),
        new Command.AuthDisable(),
        new Command.Authenticate("bob", "abcdefghijklmnop"),
        new Command.UserAdd("cn", "", true),
        new Command.UserDelete("bob"),
        new Command.UserChangePassword("bob", "$2a$10$y"),
        new Command.UserGrantRole("bob", "r"),
        new Command.UserRevokeRole("bob", "r"),
        new Command.RoleAdd("r"),
        new Command.RoleDelete("r"),
        new Command.RoleGrantPermission("r", new io.keel.api.auth.Permission(
            io.keel.api.auth.Permission.Type.READWRITE, b("a"), new byte[] {0})),
        new Command.RoleRevokePermission("r", b("a"), new byte[0]));
  }

  /**
   * Entries as the previous build wrote them (format 1, its hand-written layout), with the command
   * each one is: a log written then must replay to the same commands.
   */
  static Stream<Arguments> legacyEntries() {
    TxnRequest inner = new TxnRequest(List.of(), List.of(PutRequest.of(b("n"), b("1"))), List.of());
    return Stream.of(
        Arguments.of("0101000000016b0000000176000000000000000705",
            new Command.Put(new PutRequest(b("k"), b("v"), 7, true, false, true))),
        Arguments.of("01020000000161000000016201", new Command.DeleteRange(new DeleteRangeRequest(b("a"), b("b"), true))),
        Arguments.of("0104000000000000002a01", new Command.Compact(new CompactionRequest(42, true))),
        Arguments.of("0105000000001234abcd000000000000003c", new Command.LeaseGrant(0x1234abcdL, 60)),
        Arguments.of("01060000000000000063", new Command.LeaseRevoke(99)),
        Arguments.of("01080000000000000005000000026d31000000020000000a687474703a2f2f613a310000000a687474703a2f2f62"
            + "3a32000000000000004d", new Command.Publish(5, "m1", List.of("http://a:1", "http://b:2"), 77)),
        Arguments.of("01090000000000000006000000010000000a687474703a2f2f633a3301",
            new Command.MemberAdd(6, List.of("http://c:3"), true)),
        Arguments.of("010a0000000000000006", new Command.MemberRemove(6)),
        Arguments.of("010b0000000000000006", new Command.MemberPromote(6)),
        Arguments.of("010e00000000000000070000000100000014687474703a2f2f31302e302e302e393a32333830",
            new Command.MemberUpdate(7, List.of("http://10.0.0.9:2380"))),
        Arguments.of("010d00000002000000000000000300000000000003e8000000000000000400000000000007d0",
            new Command.LeaseCheckpoint(new long[] {3, 4}, new long[] {1000, 2000})),
        Arguments.of("010c01000000000000000800000001", new Command.AlarmChange(true, 8, 1)),
        Arguments.of("0103000000010103000000016b000000016c00000000000000000000000178000000020700000001610000000100"
            + "00000000000000030000000000000009020303000000000000000100000000000000020000000000000003000000000000"
            + "000403000000000000000101000000016e0000000131000000000000000000000000000000000102000000017a00000000"
            + "00", new Command.Txn(new TxnRequest(
                List.of(new Compare(Compare.Result.GREATER, Compare.Target.VALUE, b("k"), b("l"), 0, b("x"))),
                List.of(new RangeRequest(b("a"), new byte[] {0}, 3, 9, SortOrder.DESCEND, SortTarget.MOD, true, true,
                    false, 1, 2, 3, 4), inner),
                List.of(new DeleteRangeRequest(b("z"), new byte[0], false))))));
  }

  @ParameterizedTest
  @MethodSource("legacyEntries")
  void readsEntriesOfThePreviousFormat(String hex, Command expected) {
    Command decoded = CommandCodec.decode(ByteBuffer.wrap(HexFormat.of().parseHex(hex)));
    assertArrayEquals(CommandCodec.encode(expected), CommandCodec.encode(decoded));
  }

  @ParameterizedTest
  @MethodSource("commands")
  void writesTheProtobufFormatAndReadsItFromAnySlice(Command command) {
    byte[] encoded = CommandCodec.encode(command);
    assertEquals(CommandCodec.FORMAT, encoded[0]);
    // as jraft may hand an entry over: a slice of a bigger buffer, or read-only
    byte[] padded = new byte[encoded.length + 7];
    System.arraycopy(encoded, 0, padded, 3, encoded.length);
    ByteBuffer slice = ByteBuffer.wrap(padded, 3, encoded.length).slice();
    assertArrayEquals(encoded, CommandCodec.encode(CommandCodec.decode(slice)));
    assertArrayEquals(encoded, CommandCodec.encode(CommandCodec.decode(ByteBuffer.wrap(encoded).asReadOnlyBuffer())));
  }

  /** keel-api's enums and internal.proto's map by number: the same constants in the same order. */
  @Test
  void enumsAgreeWithTheProtoByName() {
    assertEquals(names(SortOrder.values()), protoNames(io.keel.raft.internal.proto.RangeRequest.SortOrder.values()));
    assertEquals(names(SortTarget.values()), protoNames(io.keel.raft.internal.proto.RangeRequest.SortTarget.values()));
    assertEquals(names(Compare.Result.values()), protoNames(io.keel.raft.internal.proto.Compare.CompareResult.values()));
    assertEquals(names(Compare.Target.values()), protoNames(io.keel.raft.internal.proto.Compare.CompareTarget.values()));
  }

  static List<String> names(Enum<?>[] values) {
    return Arrays.stream(values).map(Enum::name).toList();
  }

  static List<String> protoNames(com.google.protobuf.ProtocolMessageEnum[] values) {
    return Arrays.stream(values).filter(v -> !"UNRECOGNIZED".equals(((Enum<?>) v).name()))
        .map(v -> ((Enum<?>) v).name()).toList();
  }

  @ParameterizedTest
  @MethodSource("commands")
  void roundTripsToTheSameEncoding(Command command) {
    byte[] encoded = CommandCodec.encode(command);
    Command decoded = CommandCodec.decode(ByteBuffer.wrap(encoded));
    assertArrayEquals(encoded, CommandCodec.encode(decoded));
  }

  @Test
  void rejectsTruncatedAndTrailingBytes() {
    byte[] encoded = CommandCodec.encode(new Command.Put(PutRequest.of(b("key"), b("value"))));
    assertThrows(IllegalStateException.class,
        () -> CommandCodec.decode(ByteBuffer.wrap(Arrays.copyOf(encoded, encoded.length - 1))));
    assertThrows(IllegalStateException.class,
        () -> CommandCodec.decode(ByteBuffer.wrap(Arrays.copyOf(encoded, encoded.length + 1))));
    byte[] badFormat = encoded.clone();
    badFormat[0] = 9;
    assertThrows(IllegalStateException.class, () -> CommandCodec.decode(ByteBuffer.wrap(badFormat)));
  }
}
