package io.keel.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real etcdctl (API v3, /usr/bin/etcdctl or $ETCDCTL) against some endpoints, every run
 * bounded. What {@code -w json} prints is read with Jackson ({@link Result#json}), and the answers
 * tests ask for most have typed readers: {@link #endpointStatus}, {@link #endpointHashes},
 * {@link #memberList}.
 */
public final class Etcdctl {

  public static final String BINARY = System.getenv().getOrDefault("ETCDCTL", "/usr/bin/etcdctl");
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What one run printed and returned. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** stdout read as JSON (a run with {@code -w json}); an AssertionError if it is not JSON. */
    public JsonNode json() {
      try {
        return JSON.readTree(stdout);
      } catch (JsonProcessingException e) {
        throw new AssertionError("etcdctl printed no JSON: " + this, e);
      }
    }

    /**
     * The error etcdctl reports on its last stderr line ("Error: etcdserver: ..."), without the
     * prefix; empty if there is none.
     */
    public String error() {
      return stderr.lines().filter(l -> l.startsWith("Error: ")).reduce((a, b) -> b).map(l -> l.substring(7))
          .orElse("");
    }

    /**
     * The errors the server answered with on the attempts etcdctl's client retried (its
     * "retrying of unary invoker failed" warnings, one JSON object a line): the gRPC description of
     * each, such as "etcdserver: request timed out". A retried read that runs into etcdctl's own
     * deadline reports only "context deadline exceeded"; these say what the server answered.
     */
    public List<String> retriedErrors() {
      List<String> errors = new ArrayList<>();
      for (String line : stderr.lines().filter(l -> l.startsWith("{")).toList()) {
        try {
          String error = JSON.readTree(line).path("error").asText("");
          int desc = error.indexOf(" desc = ");
          if (desc >= 0) {
            errors.add(error.substring(desc + " desc = ".length()));
          }
        } catch (JsonProcessingException notJson) {
          // some other stderr line
        }
      }
      return errors;
    }

    @Override
    public String toString() {
      return "exit=" + exitCode + " stdout=[" + stdout + "] stderr=[" + stderr + "]";
    }
  }

  /** One endpoint of {@code endpoint status -w json}. */
  public record EndpointStatus(String endpoint, MemberStatus status) {}

  /** One endpoint of {@code endpoint hashkv -w json}. */
  public record EndpointHash(String endpoint, long revision, long hash) {}

  private final String endpoints;
  private final List<String> globalFlags;

  /** etcdctl against {@code endpoints} ("host:port", comma-separated for several). */
  public Etcdctl(String endpoints) {
    this(endpoints, List.of());
  }

  /** etcdctl with global flags before every command, e.g. {@code --cacert=F --cert=F --key=F}. */
  public Etcdctl(String endpoints, List<String> globalFlags) {
    this.endpoints = endpoints;
    this.globalFlags = List.copyOf(globalFlags);
  }

  /** The same endpoints with other global flags (another client certificate, say). */
  public Etcdctl withFlags(String... flags) {
    return new Etcdctl(endpoints, Arrays.asList(flags));
  }

  public String endpoints() {
    return endpoints;
  }

  public Result run(String... args) {
    return run(DEFAULT_TIMEOUT, null, args);
  }

  public Result runWithStdin(String stdin, String... args) {
    return run(DEFAULT_TIMEOUT, stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  /**
   * Runs {@code etcdctl --endpoints=E args...} with a command timeout 2 s under {@code timeout};
   * kills it and throws if it outlives {@code timeout}.
   */
  public Result run(Duration timeout, byte[] stdin, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(BINARY);
    cmd.add("--endpoints=" + endpoints);
    cmd.add("--dial-timeout=3s");
    cmd.add("--command-timeout=" + Math.max(1, timeout.toSeconds() - 2) + "s");
    cmd.addAll(globalFlags);
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("ETCDCTL_"));
    pb.environment().put("ETCDCTL_API", "3");
    try {
      Process p = pb.start();
      OutputPump out = OutputPump.capture(p.getInputStream(), "etcdctl-stdout");
      OutputPump err = OutputPump.capture(p.getErrorStream(), "etcdctl-stderr");
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      } catch (IOException closedEarly) {
        // etcdctl may exit before reading all of stdin; its exit code tells
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError("etcdctl " + String.join(" ", args) + " did not finish within " + timeout);
      }
      return new Result(p.exitValue(), out.text(5000).trim(), err.text(5000).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** True if {@code etcdctl endpoint health} says so (etcdctl 3.4 prints that line on stderr). */
  public boolean healthy() {
    Result r;
    try {
      r = run(Duration.ofSeconds(10), null, "endpoint", "health");
    } catch (AssertionError slow) {
      return false; // a loaded machine can stall etcdctl itself; the caller's deadline still bounds the wait
    }
    return r.ok() && (r.stdout() + r.stderr()).contains("is healthy");
  }

  /** What {@code etcdctl endpoint health} prints, stdout and stderr, for a failure's report. */
  public String healthAnswer() {
    try {
      Result r = run(Duration.ofSeconds(10), null, "endpoint", "health");
      return (r.stdout() + r.stderr()).strip();
    } catch (AssertionError slow) {
      return slow.getMessage();
    }
  }

  /** {@code endpoint status -w json}, one entry per endpoint that answered; an AssertionError if etcdctl failed. */
  public List<EndpointStatus> endpointStatus() {
    List<EndpointStatus> all = new ArrayList<>();
    for (JsonNode e : ok(run("endpoint", "status", "-w", "json")).json()) {
      JsonNode s = e.path("Status");
      all.add(new EndpointStatus(e.path("Endpoint").asText(), new MemberStatus(unsigned(s.path("header")
          .path("member_id")), unsigned(s.path("leader")), unsigned(s.path("raftTerm")),
          s.path("isLearner").asBoolean(false))));
    }
    return all;
  }

  /** {@code endpoint hashkv -w json}, one entry per endpoint that answered; an AssertionError if etcdctl failed. */
  public List<EndpointHash> endpointHashes() {
    List<EndpointHash> all = new ArrayList<>();
    for (JsonNode e : ok(run("endpoint", "hashkv", "-w", "json")).json()) {
      JsonNode h = e.path("HashKV");
      all.add(new EndpointHash(e.path("Endpoint").asText(), h.path("header").path("revision").asLong(),
          h.path("hash").asLong()));
    }
    return all;
  }

  /** {@code member list -w json}; an AssertionError if etcdctl failed. */
  public List<Member> memberList() {
    return members(ok(run("member", "list", "-w", "json")).json().path("members"));
  }

  /** The members of a JSON answer's "members" array (member list, member add, ...). */
  public static List<Member> members(JsonNode array) {
    List<Member> all = new ArrayList<>();
    for (JsonNode m : array) {
      all.add(member(m));
    }
    return all;
  }

  /** One JSON member object as etcdctl prints it (name and isLearner omitted when empty/false). */
  public static Member member(JsonNode m) {
    return new Member(unsigned(m.path("ID")), m.path("name").asText(""), strings(m.path("peerURLs")),
        strings(m.path("clientURLs")), m.path("isLearner").asBoolean(false));
  }

  /** A uint64 as etcd prints it (IDs go past Long.MAX_VALUE), in a long's 64 bits. */
  public static long unsigned(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? 0 : Long.parseUnsignedLong(n.asText());
  }

  private static List<String> strings(JsonNode array) {
    List<String> all = new ArrayList<>();
    array.forEach(s -> all.add(s.asText()));
    return all;
  }

  private static Result ok(Result r) {
    if (!r.ok()) {
      throw new AssertionError("etcdctl failed: " + r);
    }
    return r;
  }
}
