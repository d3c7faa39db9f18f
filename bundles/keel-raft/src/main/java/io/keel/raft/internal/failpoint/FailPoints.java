package io.keel.raft.internal.failpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named fault points inside the server, modelled on etcd's gofail failpoints: no-ops unless a test
 * enables them with the JVM property {@value #PROPERTY}, e.g.
 * {@code -Dkeel.failpoints=raftAfterSave=3*off->panic;beforeCommit=sleep(200)}. Each point takes
 * gofail's terms joined by {@code ->}, each {@code [count*]action}: {@code off} (nothing),
 * {@code panic} (the process ends at once, exit code 2, as a Go panic; no shutdown hooks, like
 * kill -9 at exactly that point) or {@code sleep(ms)}; a term with a count applies that many hits,
 * then the next term takes over; the last term applies from then on.
 *
 * <p>The points keep etcd's names where etcd has the same point: {@code raftBeforeSave} and
 * {@code raftAfterSave} around the Raft log append, {@code raftBeforeSaveSnap}/{@code raftAfterSaveSnap}
 * around a snapshot save, {@code raftBeforeApplySnap}/{@code raftAfterApplySnap} around loading one,
 * {@code beforeCommit}/{@code afterCommit} around applying a batch of committed entries, and
 * {@code compactBeforeCommitBatch}/{@code compactAfterCommitBatch} around a compaction.
 */
public final class FailPoints {
  public static final String PROPERTY = "keel.failpoints";
  public static final Set<String> NAMES = Set.of("raftBeforeSave", "raftAfterSave", "raftBeforeSaveSnap",
      "raftAfterSaveSnap", "raftBeforeApplySnap", "raftAfterApplySnap", "beforeCommit", "afterCommit",
      "compactBeforeCommitBatch", "compactAfterCommitBatch");
  /** None enabled: every {@link #hit} returns at once. */
  public static final FailPoints NONE = new FailPoints(Map.of(), () -> { });
  private static final Logger LOG = LoggerFactory.getLogger(FailPoints.class);
  private static final Pattern TERM = Pattern.compile("(?:(\\d+)\\*)?(off|panic|sleep\\((\\d+)\\))");

  private final Map<String, Point> points;
  private final Runnable panic;

  FailPoints(Map<String, Point> points, Runnable panic) {
    this.points = points;
    this.panic = panic;
  }

  /** The points the JVM property enables (none if it is not set); a bad value is an error. */
  public static FailPoints fromSystemProperty() {
    String spec = System.getProperty(PROPERTY, "");
    if (spec.isBlank()) {
      return NONE;
    }
    FailPoints f = parse(spec, () -> Runtime.getRuntime().halt(2));
    LOG.warn("fail points enabled (a test build): {}", spec);
    return f;
  }

  /** {@code name=terms;name=terms}; throws IllegalArgumentException naming what is wrong. */
  static FailPoints parse(String spec, Runnable panic) {
    Map<String, Point> points = new LinkedHashMap<>();
    for (String one : spec.split(";")) {
      if (one.isBlank()) {
        continue;
      }
      int eq = one.indexOf('=');
      String name = eq < 0 ? one.trim() : one.substring(0, eq).trim();
      if (eq < 0 || !NAMES.contains(name)) {
        throw new IllegalArgumentException(PROPERTY + ": unknown fail point or missing '=' in '" + one.trim()
            + "' (known: " + new java.util.TreeSet<>(NAMES) + ")");
      }
      List<Term> terms = new ArrayList<>();
      for (String t : one.substring(eq + 1).split("->")) {
        Matcher m = TERM.matcher(t.trim());
        if (!m.matches()) {
          throw new IllegalArgumentException(PROPERTY + ": bad term '" + t.trim() + "' for " + name
              + " (want [count*]off|panic|sleep(ms))");
        }
        terms.add(new Term(m.group(1) == null ? -1 : Long.parseLong(m.group(1)), m.group(2),
            m.group(3) == null ? 0 : Long.parseLong(m.group(3))));
      }
      points.put(name, new Point(terms));
    }
    return new FailPoints(Map.copyOf(points), panic);
  }

  /** Passes the named point: does what it is set to, if anything. */
  public void hit(String name) {
    if (points.isEmpty()) {
      return;
    }
    Point p = points.get(name);
    if (p == null) {
      return;
    }
    Term t = p.next();
    if (t.action().equals("panic")) {
      LOG.error("fail point {}: panic", name);
      System.err.println("keel: fail point " + name + ": panic"); // the log may not reach its file before the halt
      System.err.flush();
      panic.run();
    } else if (t.action().startsWith("sleep")) {
      try {
        Thread.sleep(t.sleepMs());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One term: {@code count} hits of {@code action} (-1: from then on). */
  record Term(long count, String action, long sleepMs) {}

  /** A point's terms and how far its hits have gone through them. */
  static final class Point {
    private final List<Term> terms;
    private int current;
    private long usedOfCurrent;

    Point(List<Term> terms) {
      this.terms = terms;
    }

    synchronized Term next() {
      while (terms.get(current).count() == 0 && current < terms.size() - 1) {
        current++;
      }
      Term t = terms.get(current);
      if (t.count() >= 0 && current < terms.size() - 1) {
        usedOfCurrent++;
        if (usedOfCurrent >= t.count()) {
          current++;
          usedOfCurrent = 0;
        }
      }
      return t;
    }
  }
}
