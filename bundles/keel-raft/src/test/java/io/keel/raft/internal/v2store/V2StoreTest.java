package io.keel.raft.internal.v2store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.v2.V2Error;
import io.keel.api.v2.V2Event;
import io.keel.api.v2.V2Node;
import io.keel.api.v2.V2Request;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** etcd's v2 store semantics, checked against what etcd 3.4 answers for the same requests. */
class V2StoreTest {
  private long now = 1_800_000_000_000L;
  private final V2Store store = new V2Store(() -> now);

  private V2Event put(String path, String value) throws V2Error {
    return store.apply(new V2Request("PUT", path, value, false, "", 0, null, 0, false, false));
  }

  private V2Event req(String method, String path, String value, boolean dir, String prevValue, long prevIndex,
      Boolean prevExist, long exp, boolean recursive) throws V2Error {
    return store.apply(new V2Request(method, path, value, dir, prevValue, prevIndex, prevExist, exp, false, recursive));
  }

  private int code(org.junit.jupiter.api.function.Executable e) {
    return assertThrows(V2Error.class, e).errorCode();
  }

  @Test
  void setGetAndIndexes() throws V2Error {
    V2Event first = put("/foo", "bar");
    assertEquals("set", first.action());
    assertEquals(1, first.node().createdIndex());
    assertNull(first.prevNode());
    V2Event second = put("foo", "baz");
    assertEquals(2, second.node().modifiedIndex());
    assertEquals(2, second.node().createdIndex(), "etcd's set replaces the node: a new createdIndex");
    assertEquals("bar", second.prevNode().value());
    V2Event got = store.get("/foo", false, false);
    assertEquals("get", got.action());
    assertEquals("baz", got.node().value());
    assertEquals(2, got.etcdIndex());
    V2Error missing = assertThrows(V2Error.class, () -> store.get("/nope/x", false, false));
    assertEquals(100, missing.errorCode());
    assertEquals("Key not found", missing.getMessage());
    assertEquals("/nope", missing.cause());
    assertEquals(2, missing.index());
  }

  @Test
  void mkOnAnExistingKeyIsKeyAlreadyExistsAndTakesNoIndex() throws V2Error {
    req("PUT", "/k", "v", false, "", 0, false, 0, false);
    V2Error e = assertThrows(V2Error.class, () -> req("PUT", "/k", "w", false, "", 0, false, 0, false));
    assertEquals(105, e.errorCode());
    assertEquals("/k", e.cause());
    assertEquals(412, e.httpStatus());
    assertEquals(1, store.index());
  }

  @Test
  void directoriesListingsAndHiddenKeys() throws V2Error {
    req("PUT", "/dir", "", true, "", 0, false, 0, false);
    put("/dir/b", "2");
    put("/dir/a", "1");
    put("/dir/sub/c", "3");
    put("/dir/_hidden", "h");
    V2Node ls = store.get("/dir", false, true).node();
    assertTrue(ls.dir());
    assertEquals(List.of("/dir/a", "/dir/b", "/dir/sub"), ls.nodes().stream().map(V2Node::key).toList());
    assertNull(ls.nodes().get(2).nodes(), "not recursive: a sub-directory is not listed");
    V2Node all = store.get("/dir", true, true).node();
    assertEquals("/dir/sub/c", all.nodes().get(2).nodes().get(0).key());
    assertEquals("h", store.get("/dir/_hidden", false, false).node().value());
    assertEquals(102, code(() -> put("/dir", "x")));
    assertEquals(104, code(() -> put("/dir/a/x", "x")));
    assertEquals(108, code(() -> req("DELETE", "/dir", "", true, "", 0, null, 0, false)));
    assertEquals(102, code(() -> req("DELETE", "/dir", "", false, "", 0, null, 0, false)));
    V2Event rm = req("DELETE", "/dir", "", false, "", 0, null, 0, true);
    assertEquals("delete", rm.action());
    assertTrue(rm.prevNode().dir());
    assertEquals(100, code(() -> store.get("/dir/a", false, false)));
    assertEquals(107, code(() -> req("DELETE", "/", "", true, "", 0, null, 0, true)));
  }

  @Test
  void compareAndSwapAndDelete() throws V2Error {
    put("/k", "one");
    V2Error value = assertThrows(V2Error.class, () -> req("PUT", "/k", "two", false, "zero", 0, null, 0, false));
    assertEquals(101, value.errorCode());
    assertEquals("[zero != one]", value.cause());
    V2Error index = assertThrows(V2Error.class, () -> req("PUT", "/k", "two", false, "", 7, null, 0, false));
    assertEquals("[7 != 1]", index.cause());
    V2Event cas = req("PUT", "/k", "two", false, "one", 1, null, 0, false);
    assertEquals("compareAndSwap", cas.action());
    assertEquals("one", cas.prevNode().value());
    V2Event update = req("PUT", "/k", "three", false, "", 0, true, 0, false);
    assertEquals("update", update.action());
    assertEquals(100, code(() -> req("PUT", "/missing", "x", false, "", 0, true, 0, false)));
    assertEquals(101, code(() -> req("DELETE", "/k", "", false, "two", 0, null, 0, false)));
    assertEquals("compareAndDelete", req("DELETE", "/k", "", false, "three", 0, null, 0, false).action());
  }

  @Test
  void postMakesInOrderKeysNamedByTheirIndex() throws V2Error {
    put("/other", "x");
    V2Event a = req("POST", "/queue", "job1", false, "", 0, null, 0, false);
    V2Event b = req("POST", "/queue", "job2", false, "", 0, null, 0, false);
    assertEquals("create", a.action());
    assertEquals("/queue/00000000000000000002", a.node().key());
    assertEquals("/queue/00000000000000000003", b.node().key());
  }

  @Test
  void ttlKeysExpireOnlyThroughTheLeadersSync() throws V2Error {
    V2Event e = req("PUT", "/t", "v", false, "", 0, null, now + 2_500, false);
    assertEquals(3, e.node().ttl());
    now += 10_000; // this member's clock says expired: nothing happens without a SYNC
    assertEquals("v", store.get("/t", false, false).node().value());
    List<V2Event> seen = new ArrayList<>();
    store.watch("/t", false, false, 0, seen::add);
    store.apply(V2Request.sync(now - 10_000 + 2_000)); // the leader's time: not yet
    assertEquals("v", store.get("/t", false, false).node().value());
    store.apply(V2Request.sync(now - 10_000 + 2_500));
    assertEquals(100, code(() -> store.get("/t", false, false)));
    assertEquals(1, seen.size());
    assertEquals("expire", seen.get(0).action());
    assertEquals("v", seen.get(0).prevNode().value());
    assertEquals(2, seen.get(0).node().modifiedIndex());
  }

  @Test
  void watchesFromHistoryAndFromNowRecursiveAndNot() throws V2Error {
    put("/w/a", "1"); // 1 (and /w created at 1)
    put("/w/b", "2"); // 2
    List<V2Event> past = new ArrayList<>();
    store.watch("/w", true, false, 2, past::add);
    assertEquals(List.of("/w/b"), past.stream().map(e -> e.node().key()).toList());
    assertEquals(2, past.get(0).etcdIndex());
    List<V2Event> dirOnly = new ArrayList<>();
    List<V2Event> recursive = new ArrayList<>();
    List<V2Event> stream = new ArrayList<>();
    store.watch("/w", false, false, 0, dirOnly::add);
    store.watch("/w", true, false, 0, recursive::add);
    store.watch("/w", true, true, 0, stream::add);
    put("/w/c", "3");
    put("/w/d", "4");
    assertEquals(List.of(), dirOnly);
    assertEquals(List.of("/w/c"), recursive.stream().map(e -> e.node().key()).toList());
    assertEquals(List.of("/w/c", "/w/d"), stream.stream().map(e -> e.node().key()).toList());
    req("DELETE", "/w", "", true, "", 0, null, 0, true);
    assertEquals(List.of("delete"), dirOnly.stream().map(V2Event::action).toList(), "a removed dir tells its watchers");
  }

  @Test
  void historyKeepsTheLastThousandEvents() throws V2Error {
    for (int i = 0; i < 1100; i++) {
      put("/h", Integer.toString(i));
    }
    V2Error e = assertThrows(V2Error.class, () -> store.watch("/h", false, false, 50, x -> {}));
    assertEquals(401, e.errorCode());
    assertEquals("the requested history has been cleared [101/50]", e.cause());
    List<V2Event> got = new ArrayList<>();
    store.watch("/h", false, false, 101, got::add);
    assertEquals("100", got.get(0).node().value());
  }

  @Test
  void savedAndRecoveredStoreAnswersTheSame() throws V2Error {
    put("/a/b", "1");
    req("PUT", "/t", "v", false, "", 0, null, now + 60_000, false);
    req("POST", "/q", "x", false, "", 0, null, 0, false);
    V2Store copy = new V2Store(() -> now);
    copy.recover(store.save());
    assertEquals(store.index(), copy.index());
    assertEquals(store.get("/", true, true), copy.get("/", true, true));
    assertTrue(copy.hasTtlKeys());
    List<V2Event> fromHistory = new ArrayList<>();
    copy.watch("/a", true, false, 1, fromHistory::add);
    assertEquals("/a/b", fromHistory.get(0).node().key());
    copy.apply(V2Request.sync(now + 60_000));
    assertEquals(100, assertThrows(V2Error.class, () -> copy.get("/t", false, false)).errorCode());
  }
}
