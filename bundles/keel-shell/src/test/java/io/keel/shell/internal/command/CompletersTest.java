package io.keel.shell.internal.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.Cluster;
import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.Kv;
import io.keel.api.Member;
import io.keel.api.MemberChange;
import io.keel.api.ResponseHeader;
import io.keel.api.auth.AuthInfo;
import io.keel.api.kv.Bytes;
import io.keel.api.kv.CompactionRequest;
import io.keel.api.kv.CompactionResponse;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;
import org.apache.karaf.shell.api.console.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The console's completers over fakes of the keel-api services: {@link MemberCompleter} offers
 * member names (a member that has not started, which has no name yet, by its hex ID);
 * {@link KeyCompleter} offers the whole keys that start with what has been typed (up to {@value
 * KeyCompleter#LIMIT}), read serializable and keys-only. Neither uses the console session, so it is
 * null here.
 */
class CompletersTest {
  private static final long UNSTARTED = 0x8e9e05c52164694dL;

  /**
   * The command line as Karaf's parser hands it to a completer: {@code typed} is the argument under
   * the cursor, the cursor {@code cursor} characters into it, at the end of the buffer.
   */
  private record Line(String command, String typed, int cursor) implements CommandLine {
    static Line atEnd(String command, String typed) {
      return new Line(command, typed, typed.length());
    }

    @Override
    public int getCursorArgumentIndex() {
      return 1;
    }

    @Override
    public String getCursorArgument() {
      return typed;
    }

    @Override
    public int getArgumentPosition() {
      return cursor;
    }

    @Override
    public String[] getArguments() {
      return new String[] {command, typed};
    }

    @Override
    public int getBufferPosition() {
      return command.length() + 1 + cursor;
    }

    @Override
    public String getBuffer() {
      return command + " " + typed;
    }
  }

  private static MemberCompleter members() {
    MemberCompleter completer = new MemberCompleter();
    completer.cluster = new FakeCluster(List.of(
        new Member(1, "infra1", List.of("http://127.0.0.1:2380"), List.of("http://127.0.0.1:2379"), false),
        new Member(2, "infra2", List.of("http://127.0.0.1:2480"), List.of("http://127.0.0.1:2479"), false),
        new Member(3, "other", List.of("http://127.0.0.1:2580"), List.of("http://127.0.0.1:2579"), true),
        new Member(UNSTARTED, "", List.of("http://127.0.0.1:2680"), List.of(), false)));
    return completer;
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "'';      8e9e05c52164694d infra1 infra2 other",
      "inf;     infra1 infra2",
      "infra2;  infra2",
      "INF;     infra1 infra2", // Karaf's completers ignore case
      "8e9;     8e9e05c52164694d",
      "o;       other"})
  void memberNamesAndTheIdsOfUnstartedMembers(String typed, String expected) {
    List<String> candidates = new ArrayList<>();
    Line line = Line.atEnd("keel:move-leader", typed);
    int at = members().complete(null, line, candidates);
    assertEquals(words(expected.split(" ")), sorted(candidates));
    assertEquals(line.getBufferPosition() - typed.length(), at, "the candidate replaces the typed argument");
  }

  @Test
  void noMemberMatchesNoCandidates() {
    List<String> candidates = new ArrayList<>();
    assertEquals(-1, members().complete(null, Line.atEnd("keel:move-leader", "x"), candidates));
    assertEquals(List.of(), candidates);
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "'';       /app/a /app/b /app/c/d /apple /other",
      "/;        /app/a /app/b /app/c/d /apple /other",
      "/app;     /app/a /app/b /app/c/d /apple",
      "/app/;    /app/a /app/b /app/c/d",
      "/app/c;   /app/c/d",
      "/app/a;   /app/a",
      "/o;       /other"})
  void keysStartingWithWhatIsTyped(String typed, String expected) {
    FakeKv kv = new FakeKv("/app/a", "/app/b", "/app/c/d", "/apple", "/other");
    List<String> candidates = new ArrayList<>();
    Line line = Line.atEnd("keel:get", typed);
    int at = keys(kv).complete(null, line, candidates);
    assertEquals(words(expected.split(" ")), sorted(candidates));
    assertEquals(line.getBufferPosition() - typed.length(), at);

    // one local read: serializable (never waits for the leader), keys only, at most LIMIT keys,
    // over exactly the typed prefix (every key when nothing is typed)
    RangeRequest read = kv.onlyRequest();
    assertTrue(read.serializable() && read.keysOnly(), "serializable, keys only");
    assertEquals(KeyCompleter.LIMIT, read.limit());
    byte[] prefix = typed.getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(typed.isEmpty() ? new byte[] {0} : prefix, read.key());
    assertArrayEquals(typed.isEmpty() ? new byte[] {0} : Bytes.prefixEnd(prefix), read.rangeEnd());
  }

  @Test
  void onlyWhatIsLeftOfTheCursorCounts() {
    FakeKv kv = new FakeKv("/app/a", "/other");
    List<String> candidates = new ArrayList<>();
    keys(kv).complete(null, new Line("keel:get", "/otXYZ", 3), candidates);
    assertEquals(words("/other"), candidates);
  }

  @Test
  void atMostLimitKeysInKeyOrder() {
    FakeKv kv = new FakeKv(IntStream.range(0, 150).mapToObj(i -> String.format("/many/%03d", i)).toArray(String[]::new));
    List<String> candidates = new ArrayList<>();
    keys(kv).complete(null, Line.atEnd("keel:watch", "/many/"), candidates);
    assertEquals(words(IntStream.range(0, KeyCompleter.LIMIT).mapToObj(i -> String.format("/many/%03d", i))
        .toArray(String[]::new)), sorted(candidates));
  }

  @Test
  void aFailedReadCompletesNothing() {
    FakeKv kv = new FakeKv("/app/a");
    kv.failWith = new EtcdException(EtcdError.NO_LEADER);
    List<String> candidates = new ArrayList<>();
    assertEquals(-1, keys(kv).complete(null, Line.atEnd("keel:get", "/app/"), candidates));
    assertEquals(List.of(), candidates);
  }

  @Test
  void noKeyMatchesNoCandidates() {
    List<String> candidates = new ArrayList<>();
    assertEquals(-1, keys(new FakeKv("/app/a")).complete(null, Line.atEnd("keel:get", "/zzz"), candidates));
    assertEquals(List.of(), candidates);
  }

  private static KeyCompleter keys(Kv kv) {
    KeyCompleter completer = new KeyCompleter();
    completer.kv = kv;
    return completer;
  }

  /** Candidates as Karaf's StringsCompleter gives them: whole words, each ended by a space. */
  private static List<String> words(String... words) {
    return java.util.Arrays.stream(words).map(w -> w + " ").toList();
  }

  private static List<String> sorted(List<String> candidates) {
    return candidates.stream().sorted().toList();
  }

  /** A member list and nothing else. */
  private record FakeCluster(List<Member> members) implements Cluster {
    @Override
    public CompletionStage<MemberChange> memberAdd(List<String> peerUrls, boolean isLearner) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<MemberChange> memberRemove(long id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<MemberChange> memberUpdate(long id, List<String> peerUrls) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<MemberChange> memberPromote(long id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isLearner() {
      return false;
    }

    @Override
    public ResponseHeader header(long revision) {
      return new ResponseHeader(1, 1, revision, 1);
    }

    @Override
    public long currentRevision() {
      return 1;
    }
  }

  /**
   * Keys in a sorted map, ranges served by etcd's rules ({@code {0}} as the range end: every key
   * from {@code key} on); remembers the requests it was given.
   */
  private static final class FakeKv implements Kv {
    final TreeMap<byte[], KeyValue> keys = new TreeMap<>(Bytes::compare);
    final List<RangeRequest> requests = new ArrayList<>();
    EtcdException failWith;

    FakeKv(String... keys) {
      for (String k : keys) {
        byte[] key = k.getBytes(StandardCharsets.UTF_8);
        this.keys.put(key, new KeyValue(key, 2, 2, 1, "v".getBytes(StandardCharsets.UTF_8), 0));
      }
    }

    RangeRequest onlyRequest() {
      assertEquals(1, requests.size(), "one read per completion");
      return requests.get(0);
    }

    @Override
    public CompletionStage<RangeResponse> range(RangeRequest request, AuthInfo who) {
      requests.add(request);
      if (failWith != null) {
        return CompletableFuture.failedFuture(failWith);
      }
      byte[] from = request.key();
      boolean toEnd = request.rangeEnd().length == 1 && request.rangeEnd()[0] == 0;
      List<KeyValue> found = new ArrayList<>();
      for (KeyValue kv : (toEnd ? keys.tailMap(from, true) : keys.subMap(from, true, request.rangeEnd(), false)).values()) {
        found.add(request.keysOnly() ? kv.withoutValue() : kv);
      }
      int n = request.limit() > 0 ? (int) Math.min(request.limit(), found.size()) : found.size();
      return CompletableFuture.completedFuture(new RangeResponse(2, found.subList(0, n), n < found.size(), found.size()));
    }

    @Override
    public CompletionStage<PutResponse> put(PutRequest request, AuthInfo who) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest request, AuthInfo who) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<TxnResponse> txn(TxnRequest request, AuthInfo who) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<CompactionResponse> compact(CompactionRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ResponseHeader header(long revision) {
      return new ResponseHeader(1, 1, revision, 1);
    }

    @Override
    public long currentRevision() {
      return 2;
    }
  }
}
