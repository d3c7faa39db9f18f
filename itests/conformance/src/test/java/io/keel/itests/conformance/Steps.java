package io.keel.itests.conformance;

import io.keel.itests.conformance.CaseFile.Case;
import io.keel.itests.conformance.CaseFile.Mode;
import io.keel.itests.conformance.CaseFile.Step;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the steps of one case file's cases against one server and writes each case's normalized
 * transcript: per step the step as written, the exit code, stdout and stderr. A step that times out
 * (or a retry or stream that never reaches its end) is written as such, so it shows in the diff, and
 * marks the transcript {@link Transcript#broken}: a case broken against etcd is a broken case.
 */
final class Steps {

  static final String ETCDCTL = System.getenv().getOrDefault("ETCDCTL", "/usr/bin/etcdctl");
  static final String CURL = System.getenv().getOrDefault("CURL", "curl");
  /** The bound on one run, on a busy 2-core machine; a quiet one needs well under a second. */
  static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);
  /** The bound on a retry step or a stream step reaching its end. */
  static final Duration UNTIL_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(?:LEASE_(\\d+)(_DEC)?|DIR)}");

  /** One case's normalized output, and whether a step could not finish. */
  record Transcript(String text, boolean broken) {}

  private final Server server;
  private final Normalizer normalizer;

  Steps(Server server) {
    this.server = server;
    this.normalizer = new Normalizer(server.clientPort(), server.peerPort(), server.dir().toString(), server.memberId(),
        server.clusterId());
  }

  Transcript run(Case c) {
    StringBuilder b = new StringBuilder();
    boolean broken = false;
    for (Step step : c.steps()) {
      b.append("$ ").append(step.source()).append('\n');
      Exec.Result r;
      try {
        r = execute(step);
      } catch (AssertionError | RuntimeException e) {
        b.append("step did not finish: ").append(e.getMessage().lines().findFirst().orElse("")).append("\n\n");
        broken = true;
        continue;
      }
      if (isGrant(step)) {
        normalizer.learnGrant(r.stdout());
      } else if (isSession(step)) {
        normalizer.learnSessionKeys(r.stdout());
      }
      b.append("exit ").append(r.exitCode() < 0 ? "(stopped after " + step.count() + " " + step.unit().name().toLowerCase() + ")" : r.exitCode()).append('\n');
      String out = normalizer.stdout(r.stdout());
      if (!out.isEmpty()) {
        b.append(out).append('\n');
      }
      String err = normalizer.stderr(step.mode() == CaseFile.Mode.STREAM ? withoutStdinEnd(r.stderr()) : r.stderr());
      if (!err.isEmpty()) {
        b.append("stderr:\n").append(err).append('\n');
      }
      b.append('\n');
    }
    return new Transcript(b.toString(), broken);
  }

  /**
   * A stream step stops etcdctl once its output reached the count; whether etcdctl had read the end
   * of its stdin by then, and said so ("Error reading watch request line: EOF"), is a race of the
   * harness under load, not part of the server's answer: that line is left out on both sides.
   */
  static String withoutStdinEnd(String stderr) {
    return stderr.lines().filter(l -> !l.equals("Error: Error reading watch request line: EOF"))
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  private Exec.Result execute(Step step) {
    List<String> cmd = command(step);
    Map<String, String> env = Map.of("ETCDCTL_API", "3");
    String stdin = step.stdin() == null ? null : substitute(step.stdin());
    return switch (step.mode()) {
      case RUN -> Exec.run(cmd, env, stdin, RUN_TIMEOUT);
      case STREAM -> Exec.stream(cmd, env, stdin, out -> count(out, step.unit()) >= step.count(), UNTIL_TIMEOUT);
      case RETRY -> retry(step, cmd, env, stdin);
    };
  }

  /** Lines, or watch events (each event, etcdctl's or the gateway's, holds one "kv" object). */
  static int count(String out, CaseFile.Unit unit) {
    String needle = unit == CaseFile.Unit.LINES ? "\n" : "\"kv\":";
    int n = 0;
    for (int at = out.indexOf(needle); at >= 0; at = out.indexOf(needle, at + 1)) {
      n++;
    }
    return n;
  }

  private static Exec.Result retry(Step step, List<String> cmd, Map<String, String> env, String stdin) {
    long deadline = System.nanoTime() + UNTIL_TIMEOUT.toNanos();
    while (true) {
      Exec.Result r = Exec.run(cmd, env, stdin, RUN_TIMEOUT);
      if (r.stdout().contains(step.until())) {
        return r;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no \"" + step.until() + "\" within " + UNTIL_TIMEOUT + "; last: " + r);
      }
      Server.sleep(250);
    }
  }

  private List<String> command(Step step) {
    List<String> cmd = new ArrayList<>();
    if (step.program().equals("etcdctl")) {
      cmd.add(ETCDCTL);
      cmd.add("--endpoints=" + server.endpoint());
      cmd.add("--dial-timeout=5s");
      cmd.add("--command-timeout=20s");
      step.args().forEach(a -> cmd.add(substitute(a)));
      return cmd;
    }
    // curl METHOD PATH [BODY]: status and content type on a last line of their own
    cmd.addAll(List.of(CURL, "-sS", "-N", "--max-time", String.valueOf(RUN_TIMEOUT.toSeconds() - 5),
        "-X", step.args().get(0), "-w", "\nHTTP %{http_code} %{content_type}\n"));
    if (step.args().size() > 2) {
      cmd.add("--data-binary");
      cmd.add(substitute(step.args().get(2)));
    }
    cmd.add("http://" + server.endpoint() + step.args().get(1));
    return cmd;
  }

  private static boolean isGrant(Step step) {
    List<String> a = step.args();
    return step.program().equals("etcdctl") ? a.size() >= 2 && a.get(0).equals("lease") && a.get(1).equals("grant")
        : a.get(1).equals("/v3/lease/grant");
  }

  private static boolean isSession(Step step) {
    return step.program().equals("etcdctl") && !step.args().isEmpty()
        && (step.args().get(0).equals("lock") || step.args().get(0).equals("elect"));
  }

  /** ${LEASE_n} (hex, as etcdctl takes it), ${LEASE_n_DEC} (decimal, as the gateway takes it), ${DIR}. */
  private String substitute(String s) {
    Matcher m = VARIABLE.matcher(s);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      if (m.group(1) == null) {
        m.appendReplacement(b, Matcher.quoteReplacement(server.dir().toString()));
        continue;
      }
      BigInteger id = normalizer.lease(Integer.parseInt(m.group(1)));
      if (id == null) {
        throw new IllegalArgumentException("no lease " + m.group(1) + " granted before " + s);
      }
      m.appendReplacement(b, m.group(2) == null ? id.toString(16) : id.toString());
    }
    m.appendTail(b);
    return b.toString();
  }
}
