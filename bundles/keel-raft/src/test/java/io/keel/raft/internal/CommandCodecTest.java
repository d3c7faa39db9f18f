package io.keel.raft.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
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
            List.of(new DeleteRangeRequest(b("z"), new byte[0], false)))));
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
