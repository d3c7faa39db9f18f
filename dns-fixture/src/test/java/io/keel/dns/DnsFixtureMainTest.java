package io.keel.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The standalone server as a process: start, SIGHUP reload, a bad file on SIGHUP, a bad file at start. */
class DnsFixtureMainTest {
  @TempDir Path dir;
  private Process process;

  @AfterEach
  void stop() throws Exception {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private Process start(Path conf, String... extra) throws IOException {
    List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), DnsFixtureMain.class.getName(), "--conf", conf.toString()));
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
  }

  private String log() throws IOException {
    return Files.readString(dir.resolve("out.log"));
  }

  private String await(Pattern p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Matcher m = p.matcher(log());
      if (m.find()) {
        return m.groupCount() > 0 ? m.group(1) : m.group();
      }
      assertTrue(process.isAlive(), "the server exited:\n" + log());
      Thread.sleep(100);
    }
    throw new AssertionError("no " + p + " in:\n" + log());
  }

  private static int rcode(int port, String name) throws Exception {
    SimpleResolver r = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    r.setTimeout(Duration.ofSeconds(3));
    return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN))).getRcode();
  }

  @Test
  void sighupReloadsAndABadFileKeepsTheOldData() throws Exception {
    Path conf = dir.resolve("d.conf");
    Files.writeString(conf, "no-hosts\nlocal=/example.com/\nhost-record=one.example.com,10.0.0.1\n");
    process = start(conf, "--port", "0", "--poll-ms", "3600000"); // file polling out of the way: only SIGHUP reloads
    int port = Integer.parseInt(await(Pattern.compile("port (\\d+) \\(udp, tcp\\)")));
    assertEquals(Rcode.NOERROR, rcode(port, "one.example.com."));

    Files.writeString(conf, "no-hosts\nlocal=/example.com/\nhost-record=two.example.com,10.0.0.2\n");
    assertEquals(Rcode.NXDOMAIN, rcode(port, "two.example.com."), "no reload without a signal");
    hangup();
    await(Pattern.compile("reloaded \\(SIGHUP\\)"));
    assertEquals(Rcode.NOERROR, rcode(port, "two.example.com."));
    assertEquals(Rcode.NXDOMAIN, rcode(port, "one.example.com."));

    Files.writeString(conf, "no-hosts\nlocal=/example.com/\nhost-record=three.example.com,10.0.0.3\nfrobnicate\n");
    hangup();
    String why = await(Pattern.compile("reload \\(SIGHUP\\) failed, keeping the previous data: (.*)"));
    assertTrue(why.contains("bad option at line 4 of " + conf + ": unknown option \"frobnicate\""), why);
    assertEquals(Rcode.NOERROR, rcode(port, "two.example.com."));
    assertEquals(Rcode.NXDOMAIN, rcode(port, "three.example.com."));
  }

  @Test
  void aFileChangeReloadsWithoutASignal() throws Exception {
    Path conf = dir.resolve("d.conf");
    Files.writeString(conf, "no-hosts\nlocal=/example.com/\n");
    process = start(conf, "--port", "0", "--poll-ms", "100");
    int port = Integer.parseInt(await(Pattern.compile("port (\\d+) \\(udp, tcp\\)")));
    Files.writeString(conf, "no-hosts\nlocal=/example.com/\nhost-record=new.example.com,10.0.0.9\n");
    await(Pattern.compile("reloaded \\(file change\\)"));
    assertEquals(Rcode.NOERROR, rcode(port, "new.example.com."));
  }

  @Test
  void aBadFileAtStartIsAnErrorWithItsLineNumber() throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "no-hosts\n\nserver=8.8.8.8\n");
    process = start(conf, "--port", "0");
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, process.exitValue());
    assertTrue(log().contains("keel dns: bad option at line 3 of " + conf + ": unknown option \"server\""), log());
  }

  private void hangup() throws Exception {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
    assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, kill.exitValue());
  }
}
