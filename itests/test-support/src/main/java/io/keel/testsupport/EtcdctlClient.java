package io.keel.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * {@link EtcdClient} over the real etcdctl against one endpoint: answers read from {@code -w json}
 * with Jackson, refusals turned into {@link EtcdException} with etcdctl's "Error: " line. The
 * commands whose human output the tests pin (member add/promote/remove, move-leader) are run in
 * etcdctl's default format and that output is checked here.
 */
public final class EtcdctlClient implements EtcdClient {
  /** Longer than a member's own request timeout, so the member's answer, not etcdctl's deadline, ends a call. */
  private static final Duration TIMEOUT = Duration.ofSeconds(25);
  private static final String CLIENT_DEADLINE = "context deadline exceeded";

  private final Etcdctl ctl;

  public EtcdctlClient(String endpoint) {
    this.ctl = new Etcdctl(endpoint);
  }

  @Override
  public long put(String key, String value) {
    return ok(run("put", key, value, "-w", "json")).json().path("header").path("revision").asLong();
  }

  @Override
  public Optional<String> get(String key, boolean serializable) {
    JsonNode kvs = ok(run("get", key, consistency(serializable), "-w", "json")).json().path("kvs");
    if (kvs.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new String(Base64.getDecoder().decode(kvs.get(0).path("value").asText("")),
        java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public long count(String prefix, boolean serializable) {
    return ok(run("get", prefix, "--prefix", "--keys-only", consistency(serializable), "-w", "json")).json()
        .path("count").asLong();
  }

  @Override
  public Member memberAdd(String peerUrl, boolean learner) {
    List<String> args = new ArrayList<>(List.of("member", "add", "added", "--peer-urls=" + peerUrl));
    if (learner) {
      args.add("--learner");
    }
    Etcdctl.Result r = ok(run(args.toArray(new String[0])));
    // etcdctl prints the new member's ID and the settings the joiner is to start with
    String prefix = "Member ";
    String first = r.stdout().lines().findFirst().orElse("");
    if (!first.startsWith(prefix) || !first.contains(" added to cluster ")
        || !r.stdout().contains("ETCD_INITIAL_CLUSTER_STATE=\"existing\"")
        || !r.stdout().contains("=" + peerUrl)) {
      throw new AssertionError("unexpected member add output: " + r);
    }
    // etcdctl formats IDs with %16x: an ID below 2^60 is padded with spaces, not zeros
    String idText = first.substring(prefix.length(), first.indexOf(" added to cluster ")).trim();
    long id = Long.parseUnsignedLong(idText, 16);
    return memberList().stream().filter(m -> m.id() == id).findFirst()
        .orElseThrow(() -> new AssertionError("added member " + Long.toHexString(id) + " not in the member list"));
  }

  @Override
  public void memberPromote(long id) {
    expect(ok(run("member", "promote", Long.toHexString(id))),
        "Member " + etcdctlId(id) + " promoted in cluster");
  }

  @Override
  public void memberRemove(long id) {
    expect(ok(run("member", "remove", Long.toHexString(id))),
        "Member " + etcdctlId(id) + " removed from cluster");
  }

  @Override
  public List<Member> memberList() {
    return Etcdctl.members(ok(run("member", "list", "-w", "json")).json().path("members"));
  }

  @Override
  public MemberStatus status() {
    List<Etcdctl.EndpointStatus> all;
    try {
      all = ctl.endpointStatus();
    } catch (AssertionError failed) {
      throw new EtcdException(failed.getMessage(), List.of());
    }
    return all.get(0).status();
  }

  @Override
  public void moveLeader(long targetId) {
    expect(ok(run("move-leader", Long.toHexString(targetId))), "Leadership transferred from");
  }

  /** An ID as etcdctl prints it in member add/remove/promote: {@code %16x}, space-padded. */
  static String etcdctlId(long id) {
    return String.format("%16x", id);
  }

  private Etcdctl.Result run(String... args) {
    return ctl.run(TIMEOUT, null, args);
  }

  private static String consistency(boolean serializable) {
    return "--consistency=" + (serializable ? "s" : "l");
  }

  /** {@code r} if etcdctl succeeded; otherwise an EtcdException with what the server answered. */
  private static Etcdctl.Result ok(Etcdctl.Result r) {
    if (r.ok()) {
      return r;
    }
    String error = r.error().isEmpty() ? r.toString() : r.error();
    List<String> answers = new ArrayList<>(r.retriedErrors());
    answers.removeIf(CLIENT_DEADLINE::equals);
    if (!error.equals(CLIENT_DEADLINE) && (answers.isEmpty() || !answers.get(answers.size() - 1).equals(error))) {
      answers.add(error);
    }
    throw new EtcdException(error, answers);
  }

  private static void expect(Etcdctl.Result r, String text) {
    if (!r.stdout().contains(text)) {
      throw new AssertionError("expected \"" + text + "\" from etcdctl: " + r);
    }
  }
}
