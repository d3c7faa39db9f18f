package io.keel.raft.internal.v2store;

import java.util.LinkedHashMap;
import java.util.Map;

/** etcd's v2 store counters (/v2/stats/store), by operation and outcome. Guarded by the store's monitor. */
final class V2Stats {
  private final Map<String, Long> counts = new LinkedHashMap<>();

  V2Stats() {
    for (String k : new String[] {"getsSuccess", "getsFail", "setsSuccess", "setsFail", "deleteSuccess", "deleteFail",
        "updateSuccess", "updateFail", "createSuccess", "createFail", "compareAndSwapSuccess", "compareAndSwapFail",
        "compareAndDeleteSuccess", "compareAndDeleteFail", "expireCount"}) {
      counts.put(k, 0L);
    }
  }

  void success(String op) {
    String k = switch (op) {
      case "get" -> "getsSuccess";
      case "set" -> "setsSuccess";
      case "delete" -> "deleteSuccess";
      case "expire" -> "expireCount";
      case "sync" -> null;
      default -> op + "Success";
    };
    if (k != null) {
      counts.merge(k, 1L, Long::sum);
    }
  }

  void fail(String op) {
    String k = switch (op) {
      case "get" -> "getsFail";
      case "set" -> "setsFail";
      case "delete" -> "deleteFail";
      case "sync" -> null;
      default -> op + "Fail";
    };
    if (k != null) {
      counts.merge(k, 1L, Long::sum);
    }
  }

  Map<String, Long> snapshot(int watchers) {
    Map<String, Long> m = new LinkedHashMap<>(counts);
    m.put("watchers", (long) watchers);
    return m;
  }
}
