package io.keel.itests.blackbox;

import io.keel.testsupport.Etcdctl;
import io.keel.testsupport.Ports;
import io.keel.testsupport.UnpackedAppliance;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Keel member as an operator runs it: a freshly unpacked appliance tarball, started with
 * {@code bin/keel} as a child process on free 127.0.0.1 client and peer ports, with its own
 * data directory outside the appliance folder.
 *
 * <p>{@link #start} passes the URL flags and {@code --data-dir}; callers add any other etcd flag.
 * {@link #stop} sends SIGTERM and escalates to SIGKILL after 30 s; {@link #kill9} kills at once;
 * {@link #restart} starts again with the same flags, environment and data directory. Every process
 * still alive when the test JVM exits is killed by a shutdown hook, so none outlives the build.
 *
 * <p>With {@code -Dkeel.blackbox.server=etcd} the same tests drive the real etcd binary
 * ({@code /usr/bin/etcd}, same flags) instead: a check of the tests themselves.
 */
public final class ApplianceProcess implements AutoCloseable {

  /** Which server the tests run against. */
  public enum Server { KEEL, ETCD }

  public static final Server SERVER =
      Server.valueOf(System.getProperty("keel.blackbox.server", "keel").toUpperCase(Locale.ROOT));

  /**
   * The bound on a member's boot (JVM, Karaf, Raft election, gRPC up): 120 s, or
   * -Dkeel.blackbox.bootTimeoutSeconds. A quiet 2-core machine boots in about 5 s; at load average
   * 14 (three JVMs of one cluster booting beside other builds) more than 60 s was seen.
   */
  public static final Duration BOOT_TIMEOUT =
      Duration.ofSeconds(Long.getLong("keel.blackbox.bootTimeoutSeconds", 120));

  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
  private static final Set<ApplianceProcess> ALL = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LIVE.forEach(Process::destroyForcibly);
      ALL.forEach(a -> a.daemon().ifPresent(ProcessHandle::destroyForcibly));
    }, "kill-appliances"));
  }

  private final Path work;
  private final Path home;
  private final Path dataDir;
  private final Path output;
  private final int clientPort;
  private final int peerPort;
  private final int metricsPort;
  private int advertisedPeerPort;
  private String advertisedPeerHost = "127.0.0.1";
  private boolean passDataDir = true;
  private boolean metricsInFile;
  private String clientScheme = "http";
  private String peerScheme = "http";
  private List<String> etcdctlFlags = List.of();
  private List<String> launcher = List.of();
  private List<String> lastFlags = List.of();
  private Map<String, String> lastEnv = Map.of();
  private Process process;

  private ApplianceProcess(Path work, Path home) {
    this.work = work;
    this.home = home;
    this.dataDir = work.resolve("data");
    this.output = work.resolve("output.log");
    this.clientPort = Ports.free();
    int peer = Ports.free();
    while (peer == clientPort) {
      peer = Ports.free();
    }
    this.peerPort = peer;
    int metrics = Ports.free();
    while (metrics == clientPort || metrics == peer) {
      metrics = Ports.free();
    }
    this.metricsPort = metrics;
    this.advertisedPeerPort = peer;
    ALL.add(this);
  }

  /** A fresh appliance unpacked under target/blackbox/{label}-N/ (not started). */
  public static ApplianceProcess create(String label) {
    Path root = Path.of(System.getProperty("keel.blackbox.workdir", "target/blackbox")).toAbsolutePath();
    Path work = root.resolve(label + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet());
    try {
      Files.createDirectories(work);
      if (SERVER == Server.ETCD) {
        return new ApplianceProcess(work, work);
      }
      Path tarball = Path.of(System.getProperty("keel.tarball", "target/appliance/keel.tar.gz")).toAbsolutePath();
      return new ApplianceProcess(work, UnpackedAppliance.unpack(tarball, work.resolve("appliance")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Advertise this peer port instead of the one the member listens on (a proxy in front of it, see
   * LinkProxy); {@link #peerUrl} is then the proxy's URL.
   */
  public ApplianceProcess advertisePeerAt(int port) {
    this.advertisedPeerPort = port;
    return this;
  }

  /**
   * Advertise this host name in the peer URL instead of 127.0.0.1 (it must resolve to 127.0.0.1):
   * DNS SRV bootstrap names members by SRV target, e.g. localhost.
   */
  public ApplianceProcess advertisePeerHost(String host) {
    this.advertisedPeerHost = host;
    return this;
  }

  /** Client URLs in https:// (the caller passes the TLS flags); etcdctl runs with {@code etcdctlFlags}. */
  public ApplianceProcess withClientTls(String... etcdctlFlags) {
    this.clientScheme = "https";
    this.etcdctlFlags = List.of(etcdctlFlags);
    return this;
  }

  /** Peer URLs in https:// (the caller passes the peer TLS flags). */
  public ApplianceProcess withPeerTls() {
    this.peerScheme = "https";
    return this;
  }

  /**
   * Name this member's metrics listener in its etc/io.keel.server.cfg instead of by flag, so that an
   * edit of the file can change it (a flag wins over the file).
   */
  public ApplianceProcess withMetricsInFile() {
    LiveConfigIT.set(home.resolve("etc/io.keel.server.cfg"), "listen-metrics-urls", metricsUrl());
    this.metricsInFile = true;
    return this;
  }

  /**
   * Every start runs the member through {@code prefix} (e.g. nsenter into a mount namespace the
   * test made), which must end by executing the command that follows it.
   */
  public ApplianceProcess launchedBy(List<String> prefix) {
    this.launcher = List.copyOf(prefix);
    return this;
  }

  /** Do not pass --data-dir (to test the default); the caller's flags or environment may. */
  public ApplianceProcess withoutDataDirFlag() {
    this.passDataDir = false;
    return this;
  }

  public ApplianceProcess start(String... flags) {
    return start(Map.of(), flags);
  }

  /** Starts the member with {@code env} added to a scrubbed environment (no inherited ETCD_*). */
  public synchronized ApplianceProcess start(Map<String, String> env, String... flags) {
    if (isAlive()) {
      throw new IllegalStateException("already running");
    }
    List<String> cmd = new ArrayList<>(launcher);
    cmd.add(SERVER == Server.KEEL ? home.resolve("bin/keel").toString() : "/usr/bin/etcd");
    cmd.addAll(flags(env, flags));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().keySet().removeIf(k -> k.startsWith("ETCD_") || k.startsWith("KARAF_"));
    pb.environment().putAll(env);
    try {
      // The command lines go to their own file: output() is only what the member printed.
      Files.writeString(work.resolve("commands.log"), String.join(" ", cmd) + " env " + env + "\n",
          StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LIVE.add(process);
    lastFlags = List.of(flags);
    lastEnv = new LinkedHashMap<>(env);
    return this;
  }

  /**
   * The flags every start passes (data dir, URLs on this member's ports, and an initial-cluster
   * matching them unless a name is given), followed by {@code extra}.
   */
  public List<String> flags(Map<String, String> env, String... extra) {
    List<String> cmd = new ArrayList<>();
    if (passDataDir) {
      cmd.add("--data-dir=" + dataDir);
    }
    cmd.add("--listen-client-urls=" + clientUrl());
    cmd.add("--advertise-client-urls=" + clientUrl());
    cmd.add("--listen-peer-urls=" + listenPeerUrl());
    cmd.add("--initial-advertise-peer-urls=" + peerUrl());
    // the appliance's etc/ listens for metrics on 127.0.0.1:2381: each member gets a port of its own
    if (!metricsInFile && !env.containsKey("ETCD_LISTEN_METRICS_URLS")
        && Arrays.stream(extra).noneMatch(f -> f.matches("--?listen-metrics-urls(=.*)?"))) {
      cmd.add("--listen-metrics-urls=" + metricsUrl());
    }
    boolean nameGiven = env.containsKey("ETCD_NAME") || env.containsKey("ETCD_INITIAL_CLUSTER")
        || env.containsKey("ETCD_DISCOVERY_SRV")
        || Arrays.stream(extra).anyMatch(f -> f.matches("--?(name|initial-cluster|discovery-srv)(=.*)?"));
    if (!nameGiven) {
      // etcd's default initial-cluster is default=http://localhost:2380 unless a name is given;
      // spell out the one that matches the advertised peer URL.
      cmd.add("--initial-cluster=default=" + peerUrl());
    }
    cmd.addAll(Arrays.asList(extra));
    return cmd;
  }

  /**
   * Runs {@code bin/keel args...} to completion (at most {@code timeout}) from the work folder with
   * a scrubbed environment, e.g. {@code start}, {@code stop}, {@code status}. A daemon it starts is
   * stopped by {@link #close()}.
   */
  public Etcdctl.Result keel(Duration timeout, String... args) {
    Path out = work.resolve("script-" + COUNTER.incrementAndGet() + ".out");
    ProcessBuilder pb = keelProcess(args).redirectErrorStream(true)
        .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    List<String> cmd = pb.command();
    try {
      Files.writeString(work.resolve("commands.log"), String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError("bin/keel " + String.join(" ", args) + " did not finish within " + timeout);
      }
      return new Etcdctl.Result(p.exitValue(), read(out).trim(), "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code bin/keel args...} to be started by the caller (its input, output and lifetime are the
   * caller's): from the work folder, with a scrubbed environment, as {@link #keel} runs it.
   */
  public ProcessBuilder keelProcess(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(home.resolve("bin/keel").toString());
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("ETCD_") || k.startsWith("KARAF_"));
    return pb;
  }

  /** The daemon's JVM if bin/keel start left one running (from data/keel.pid). */
  public java.util.Optional<ProcessHandle> daemon() {
    Path pidFile = home.resolve("data/keel.pid");
    String pid = read(pidFile).trim();
    if (pid.isEmpty() || !pid.chars().allMatch(Character::isDigit)) {
      return java.util.Optional.empty();
    }
    return ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive)
        .filter(h -> h.info().commandLine().map(c -> c.contains("-Dkaraf.home=" + home)).orElse(false));
  }

  /** Waits until etcdctl reports the endpoint healthy; fails early if the process exits. */
  public ApplianceProcess awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Etcdctl ctl = etcdctl();
    while (System.nanoTime() < deadline) {
      if (process != null && !isAlive()) {
        throw new AssertionError("member exited with " + process.exitValue() + " before becoming healthy\n"
            + diagnostics());
      }
      if (ctl.healthy()) {
        return this;
      }
      sleep(250);
    }
    throw new AssertionError("member not healthy at " + clientEndpoint() + " within " + timeout
        + "; etcdctl endpoint health: " + ctl.healthAnswer() + "; " + threadDump() + "\n" + diagnostics());
  }

  /** The member's Java threads (jcmd Thread.print) into a file in its folder; says where, or why not. */
  String threadDump() {
    Path file = work.resolve("threads-" + System.currentTimeMillis() + ".txt");
    for (ProcessHandle p : processes()) {
      if (p.info().command().map(c -> c.endsWith("java")).orElse(false)) {
        try {
          Process jcmd = new ProcessBuilder("jcmd", Long.toString(p.pid()), "Thread.print")
              .redirectErrorStream(true).redirectOutput(file.toFile()).start();
          if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
            jcmd.destroyForcibly();
            return "jcmd Thread.print gave no answer in 30 s";
          }
          return "its threads are in " + file;
        } catch (IOException e) {
          return "no thread dump: " + e.getMessage();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return "no thread dump: interrupted";
        }
      }
    }
    return "no thread dump: no java process";
  }

  /** SIGTERM, then SIGKILL if it has not exited within 30 s. Returns the exit code (-1 if never started). */
  public synchronized int stop() {
    if (process == null) {
      return -1;
    }
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new AssertionError("member did not stop within " + STOP_GRACE + " of SIGTERM; killed\n" + diagnostics());
        }
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      LIVE.remove(process);
    }
  }

  /** SIGKILL, no grace; waits until the process is gone. */
  public synchronized void kill9() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("member survived SIGKILL for 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      LIVE.remove(process);
    }
  }

  /** SIGSTOP to the member's processes: it stays, holding its sockets, but answers nothing (a paused VM, a long GC). */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    for (ProcessHandle p : processes()) {
      try {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS)) {
          kill.destroyForcibly();
          throw new AssertionError("kill -" + name + " " + p.pid() + " did not finish");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** The member's metrics listener (plaintext, 127.0.0.1), unless the caller's flags named another. */
  public String metricsUrl() {
    return "http://127.0.0.1:" + metricsPort;
  }

  /** Stops the member if it runs, then starts it again with the same flags, env and data dir. */
  public ApplianceProcess restart() {
    stop();
    return start(lastEnv, lastFlags.toArray(new String[0]));
  }

  /** Starts the member again with its last flags but {@code env} as its environment (e.g. without a test switch). */
  public ApplianceProcess restartWith(Map<String, String> env) {
    stop();
    return start(env, lastFlags.toArray(new String[0]));
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Waits at most {@code timeout} for the process to exit; returns its exit code, or null if alive. */
  public Integer awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String clientEndpoint() {
    return clientScheme.equals("https") ? clientUrl() : "127.0.0.1:" + clientPort;
  }

  public String clientUrl() {
    return clientScheme + "://127.0.0.1:" + clientPort;
  }

  /** The peer URL the other members reach this one at (the listen URL unless {@link #advertisePeerAt}). */
  public String peerUrl() {
    return peerScheme + "://" + advertisedPeerHost + ":" + advertisedPeerPort;
  }

  /** The peer URL the member listens on. */
  public String listenPeerUrl() {
    return peerScheme + "://127.0.0.1:" + peerPort;
  }

  public int listenPeerPort() {
    return peerPort;
  }

  /** The running member's processes: bin/keel's and its descendants (the JVM). */
  public List<ProcessHandle> processes() {
    if (!isAlive()) {
      return List.of();
    }
    List<ProcessHandle> all = new ArrayList<>();
    all.add(process.toHandle());
    process.descendants().forEach(all::add);
    return all;
  }

  public int clientPort() {
    return clientPort;
  }

  /** Deletes the member's data directory (a stopped member: the next start is a new member). */
  public void wipeDataDir() {
    if (isAlive()) {
      throw new IllegalStateException("the member runs: stop it before wiping its data dir");
    }
    io.keel.testsupport.UnpackedAppliance.deleteTree(dataDir);
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The unpacked appliance folder (for etcd, the work folder). */
  public Path home() {
    return home;
  }

  /** The directory the member was started from. */
  public Path workDir() {
    return work;
  }

  public Etcdctl etcdctl() {
    return new Etcdctl(clientEndpoint(), etcdctlFlags);
  }

  /** Everything the member printed on stdout and stderr, over all its starts. */
  public String output() {
    return read(output);
  }

  /** The appliance's data/log/karaf.log (empty for etcd or before the first start). */
  public String karafLog() {
    return read(home.resolve("data/log/karaf.log"));
  }

  public String diagnostics() {
    return "---- output (" + output + ") ----\n" + tail(output(), 150)
        + "\n---- karaf.log ----\n" + tail(karafLog(), 150);
  }

  @Override
  public void close() {
    try {
      stop();
    } finally {
      daemon().ifPresent(d -> {
        if (SERVER == Server.KEEL) {
          keel(Duration.ofSeconds(60), "stop");
        }
        d.destroyForcibly();
        d.onExit().completeOnTimeout(d, 10, TimeUnit.SECONDS).join();
      });
      // what a failure leaves to read (output.log, Karaf's log, etc/, the data) stays
      if (SERVER == Server.KEEL && !isAlive() && daemon().isEmpty()) {
        UnpackedAppliance.shed(home);
      }
    }
  }

  private static String tail(String s, int lines) {
    String[] all = s.split("\n", -1);
    return String.join("\n", Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
