package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keel.testsupport.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Rolling upgrade of one bundle (README "Upgrading"), then the hot-swap leak check, on one
 * three-member cluster of appliances.
 *
 * <p>Upgrade: the test makes the "new build" of io.keel.grpc itself (the appliance's jar with its
 * Bundle-Version bumped), then, under a continuous write load with one writer per member, runs
 * {@code bin/keel shell 'bundle:update io.keel.grpc file:<jar>'} on each member in turn. After
 * each step the cluster is healthy (every member answers, exactly one leads) and {@code
 * bundle:list} on the upgraded member shows the new version Active; at the end every acknowledged
 * write is on every member and the replicas are equal.
 *
 * <p>Leak check: 20 more {@code bundle:update io.keel.grpc} on one member (each waits until the
 * client port answers again); then, after a full GC, the JVM's thread count, its listening ports,
 * its live classes and its heap are compared with before (bounds stated at each assertion). Then
 * six {@code bundle:update io.keel.raft}: RocksDB's native threads stay as many as they were, and the
 * threads, ports and live classes are compared the same way.
 */
class RollingUpgradeIT {
  private static final Duration HEALTHY = Duration.ofSeconds(60);
  private static final int LEAK_CYCLES = 20;
  private static final int RAFT_CYCLES = 6;

  @Test
  void upgradeGrpcOnEachMemberUnderLoadThenNoLeakAcrossUpdates() throws Exception {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "bundle:update is Karaf's");
    try (ApplianceCluster cluster = ApplianceCluster.create("upgrade", 3).startNew()) {
      List<ConsoleShell> shells = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        shells.add(new ConsoleShell(cluster.member(i)).awaitReady());
      }
      String oldVersion = bundleVersion(shells.get(0).ok("bundle:list"), "gRPC");
      Path newJar = cluster.member(0).workDir().resolve("keel-grpc-upgrade.jar");
      String newVersion = bumpedCopy(grpcJar(cluster.member(0)), newJar);
      System.out.println("upgrading io.keel.grpc " + oldVersion + " -> " + newVersion);

      WriteLoad load = WriteLoad.start(cluster, "/up/");
      try {
        load.awaitProgress(20);
        for (int i = 0; i < 3; i++) {
          assertEquals("", shells.get(i).ok("bundle:update io.keel.grpc " + newJar.toUri()));
          assertHealthy(cluster);
          String bundles = shells.get(i).ok("bundle:list");
          assertEquals(newVersion, bundleVersion(bundles, "gRPC"), "m" + i + " runs the new build:\n" + bundles);
          assertTrue(line(bundles, "gRPC").contains("Active"), bundles);
          for (int j = i + 1; j < 3; j++) {
            assertEquals(oldVersion, bundleVersion(shells.get(j).ok("bundle:list"), "gRPC"), "m" + j + " not yet");
          }
          load.awaitProgress(20);
        }
      } finally {
        load.close();
      }
      load.assertEveryAcknowledgedWriteOnEveryMember(cluster);
      cluster.assertReplicasEqual();

      leakCheck(cluster.member(0), shells.get(0), "bundle:update io.keel.grpc " + newJar.toUri());
    }
  }

  /** Every member answers a linearizable read and exactly one member leads (bounded wait). */
  private static void assertHealthy(ApplianceCluster cluster) {
    Await.until(HEALTHY, "every member answers and one leads", () -> {
      int leaders = 0;
      for (int i = 0; i < cluster.size(); i++) {
        if (!cluster.member(i).etcdctl().run("get", "/health-probe").ok()) {
          return false;
        }
        leaders += cluster.isLeader(i) ? 1 : 0;
      }
      return leaders == 1;
    });
  }

  private void leakCheck(ApplianceProcess member, ConsoleShell shell, String update) {
    long pid = member.processes().get(member.processes().size() - 1).pid();
    JvmSample before = JvmSample.take(pid);
    for (int n = 0; n < LEAK_CYCLES; n++) {
      assertEquals("", shell.ok(update));
      Await.until(HEALTHY, "the client port answers after update " + (n + 1),
          () -> member.etcdctl().run("get", "/health-probe").ok());
    }
    JvmSample after = JvmSample.take(pid);
    // the last update's old generation ends with its server's threads, a few seconds after the update:
    // sample again (bounded) while more than two generations are still loaded
    for (int settle = 0; settle < 6 && after.liveClasses() - before.liveClasses()
        > 2 * (after.loadedClasses() - before.loadedClasses()) / LEAK_CYCLES; settle++) {
      Await.pause(5000);
      after = JvmSample.take(pid);
    }
    System.out.println("leak check over " + LEAK_CYCLES + " updates of io.keel.grpc: before " + before + ", after " + after);
    // the thread pools a gRPC server owns (Netty boss/workers, timer) are sized per server: a leak
    // of even one thread per update would add 20
    assertTrue(after.threads() <= before.threads() + 8, "threads " + before.threads() + " -> " + after.threads()
        + "\nbefore: " + before.threadNames() + "\nafter:  " + after.threadNames());
    assertEquals(before.ports(), after.ports(), "listening ports");
    // classes loaded per update (one new generation of the bundle's classes) vs live classes after
    // a full GC: every old generation must have been unloaded but for at most two
    long perUpdate = (after.loadedClasses() - before.loadedClasses()) / LEAK_CYCLES;
    long liveGrowth = after.liveClasses() - before.liveClasses();
    assertTrue(perUpdate > 0, "each update loads the bundle's classes anew: " + before + " -> " + after);
    // each update's old generation must be collectable: io.keel.grpc's LoaderReferences drops what
    // io.keel.raft's threads held of it (Netty's buffer cache ThreadLocal, a JDK thread's context loader).
    // Allowed: two generations (the last one's threads may still be ending when the sample is taken)
    // and half of one for classes other bundles load meanwhile (CI: 13,581 -> 17,150, 175 beyond two);
    // the leak this guards against kept all 20 (+32,179)
    assertTrue(liveGrowth <= 2 * perUpdate + perUpdate / 2, "old generations of io.keel.grpc stay loaded: live classes grew by "
        + liveGrowth + " (" + perUpdate + " loaded per update): " + before + " -> " + after);
    assertTrue(after.heapUsedKb() <= before.heapUsedKb() + 64 * 1024,
        "heap after GC " + before.heapUsedKb() + "K -> " + after.heapUsedKb() + "K");

    // io.keel.raft restarts the member in place; RocksDB's native library (io.keel.rocksdb) is loaded
    // once per process, so its background threads (rocksdb:high, rocksdb:low) do not pile up
    for (int n = 0; n < RAFT_CYCLES; n++) {
      assertEquals("", shell.ok("bundle:update io.keel.raft"));
      Await.until(HEALTHY, "the member serves after raft update " + (n + 1),
          () -> member.etcdctl().run("get", "/health-probe").ok());
    }
    JvmSample raft = JvmSample.take(pid);
    long perRaftUpdate = (raft.loadedClasses() - after.loadedClasses()) / RAFT_CYCLES;
    // the last update's old generation ends with the member's threads a few seconds after it (as above)
    for (int settle = 0; settle < 6 && raft.liveClasses() - after.liveClasses() > 2 * perRaftUpdate + perRaftUpdate / 2;
        settle++) {
      Await.pause(5000);
      raft = JvmSample.take(pid);
    }
    System.out.println("after " + RAFT_CYCLES + " updates of io.keel.raft: " + raft);
    // -Dkeel.leakcheck.heapdump=FILE: the member's heap at this point, to find what holds an old revision
    String heapDump = System.getProperty("keel.leakcheck.heapdump");
    if (heapDump != null) {
      Commands.run("jcmd", Long.toString(pid), "GC.heap_dump", heapDump);
    }
    for (String rocksdb : List.of("rocksdb:high", "rocksdb:low")) {
      assertEquals(after.threadNames().get(rocksdb), raft.threadNames().get(rocksdb), rocksdb + " threads");
    }
    // jraft handles the AppendEntries of each leader on a thread of its own ("keel/PeerPair[...", cut to
    // 15 characters in /proc): at most one per other member; one left by an old revision kept it loaded
    assertTrue(raft.threadNames().getOrDefault("keel/PeerPair[N", 0) <= 2, "AppendEntries threads: " + raft.threadNames());
    assertTrue(raft.threads() <= after.threads() + 8, "threads " + after.threads() + " -> " + raft.threads()
        + "\nbefore: " + after.threadNames() + "\nafter:  " + raft.threadNames());
    assertEquals(after.ports(), raft.ports(), "listening ports after the raft updates");
    assertTrue(perRaftUpdate > 0, "each update loads io.keel.raft's classes anew: " + after + " -> " + raft);
    // each old generation of io.keel.raft must be collectable. Before: bolt's Netty loaded its epoll
    // library into each generation (JNI references kept its classes), jraft's and Netty's thread-locals
    // stayed on the framework threads that started the member, bolt's connection event and default
    // executor threads were never ended, the JDK's shared orTimeout thread kept a gRPC worker's loader,
    // and keel-launcher's optional import was wired to the first generation: all 6 stayed.
    // Allowed beyond the current generation: two, and half of one for classes other bundles load
    // meanwhile. One is kept by keel-grpc's shaded Netty until keel-grpc itself is updated (an exception
    // made at its class initialization on a raft thread, whose backtrace holds that generation's
    // classes); one may still be held for a while by code the JIT compiled around a method handle of it
    // (a heap dump showed one reachable only through such a hidden LambdaForm class). Found in heap
    // dumps of runs that kept a third: Netty's NoClassDefFoundError at the end of an old revision's
    // event loops, kept with its stack trace in the log service's buffer of recent entries (fixed in
    // JraftStatics), and bolt's Url instances waiting for their finalizer (the sample finalizes); a CI
    // run kept a third with a live "keel/PeerPair" thread of jraft's AppendEntries processor, which
    // ended only on a close event the stopping server never handled (RpcServers.endingAppendThreads)
    assertTrue(raft.liveClasses() - after.liveClasses() <= 2 * perRaftUpdate + perRaftUpdate / 2,
        "old generations of io.keel.raft stay loaded: live classes grew by " + (raft.liveClasses() - after.liveClasses())
        + " (" + perRaftUpdate + " loaded per update): " + after + " -> " + raft);
  }

  /**
   * What the appliance's JVM holds after a full GC: its threads (/proc/PID/task, Java and native),
   * listening TCP ports (ss), classes and heap (jcmd). Threads of Karaf's console sessions
   * ({@code session-N-thread-N}, a cached pool per ssh session: each {@code bin/keel shell} leaves
   * a few that end after 60 s idle) are not counted, nor are the pools of the Raft member's jraft
   * and bolt ({@code JRaft-*}, {@code Bolt-*}, {@code bolt-*}): they grow and shrink with Raft traffic
   * (up to their bounds) and belong to io.keel.raft, which the gRPC cycles do not touch; the raft
   * cycles are checked on RocksDB's native threads, which no pool bounds.
   */
  record JvmSample(int threads, java.util.SortedMap<String, Integer> threadNames, List<Integer> ports,
      long loadedClasses, long liveClasses, long heapUsedKb) {
    static JvmSample take(long pid) {
      // a collection, then the finalizers it found due (bolt's Url has one, and an old revision's
      // classes stay until its instances are finalized), then a collection that can free them
      Commands.run("jcmd", Long.toString(pid), "GC.run");
      Commands.run("jcmd", Long.toString(pid), "GC.run_finalization");
      Commands.run("jcmd", Long.toString(pid), "GC.run");
      Await.pause(1000);
      java.util.SortedMap<String, Integer> names = new java.util.TreeMap<>();
      try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
        for (Path task : tasks.toList()) {
          String comm;
          try {
            comm = Files.readString(task.resolve("comm")).trim();
          } catch (IOException ended) {
            continue; // the thread ended meanwhile
          }
          if (!comm.startsWith("session-") && !comm.startsWith("JRaft-") && !comm.startsWith("Bolt-")
              && !comm.startsWith("bolt-")) {
            names.merge(comm.replaceAll("\\d+", "N"), 1, Integer::sum);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      int threads = names.values().stream().mapToInt(Integer::intValue).sum();
      List<Integer> ports = new ArrayList<>();
      Matcher port = Pattern.compile("(?m)^\\S+\\s+\\d+\\s+\\d+\\s+\\S+:(\\d+)\\s.*pid=" + pid + ",").matcher(
          Commands.run("ss", "-Htlnp"));
      while (port.find()) {
        ports.add(Integer.parseInt(port.group(1)));
      }
      ports.sort(null);
      String counters = Commands.run("jcmd", Long.toString(pid), "PerfCounter.print");
      long loaded = counter(counters, "java.cls.loadedClasses") + counter(counters, "java.cls.sharedLoadedClasses");
      long unloaded = counter(counters, "java.cls.unloadedClasses") + counter(counters, "java.cls.sharedUnloadedClasses");
      return new JvmSample(threads, names, List.copyOf(ports), loaded, loaded - unloaded,
          Commands.heapUsedKib(pid));
    }

    private static long counter(String counters, String name) {
      Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "=(\\d+)").matcher(counters);
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
  }



  /** The line of {@code bundle:list} for the Keel bundle named {@code name} ("Keel :: gRPC"). */
  private static String line(String bundleList, String name) {
    Matcher m = Pattern.compile("(?m)^.*Keel :: " + Pattern.quote(name) + "\\s*$").matcher(bundleList);
    assertTrue(m.find(), "no Keel :: " + name + " in\n" + bundleList);
    return m.group();
  }

  /** The version column of that line. */
  private static String bundleVersion(String bundleList, String name) {
    String[] columns = line(bundleList, name).split("[|│]");
    assertTrue(columns.length >= 5, line(bundleList, name));
    return columns[3].trim();
  }

  /** The io.keel.grpc jar the appliance installed (under system/, its local Maven repository). */
  private static Path grpcJar(ApplianceProcess member) throws IOException {
    try (Stream<Path> files = Files.walk(member.home().resolve("system/io/keel/keel-grpc"))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jar")).findFirst().orElseThrow();
    }
  }

  /**
   * Copies {@code jar} to {@code target} with its Bundle-Version's micro part bumped (0.1.0.SNAPSHOT
   * becomes 0.1.1.SNAPSHOT): a second build of the same bundle. Returns the new version.
   */
  static String bumpedCopy(Path jar, Path target) throws IOException {
    try (JarFile in = new JarFile(jar.toFile())) {
      Manifest manifest = new Manifest(in.getManifest());
      Attributes main = manifest.getMainAttributes();
      String[] v = main.getValue("Bundle-Version").split("\\.", 4);
      String bumped = v[0] + "." + v[1] + "." + (Integer.parseInt(v[2]) + 1) + (v.length > 3 ? "." + v[3] : "");
      main.putValue("Bundle-Version", bumped);
      try (OutputStream out = Files.newOutputStream(target); JarOutputStream jout = new JarOutputStream(out, manifest)) {
        for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements(); ) {
          JarEntry entry = e.nextElement();
          if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME) || entry.getName().equals("META-INF/")) {
            continue;
          }
          jout.putNextEntry(new JarEntry(entry.getName()));
          try (InputStream data = in.getInputStream(entry)) {
            data.transferTo(jout);
          }
          jout.closeEntry();
        }
      }
      return bumped;
    }
  }
}
