package io.keel.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.config.KeelConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LauncherTest {
  @TempDir Path home;
  @TempDir Path work;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private String decide(Map<String, String> env, String... args) throws LaunchException {
    return new Launcher(ServerKeys.load(), home, work, env, new PrintStream(out, true, StandardCharsets.UTF_8))
        .decide(args);
  }

  private void config(String text) throws Exception {
    Files.createDirectories(home.resolve("etc"));
    Files.writeString(home.resolve(MemberLaunch.CONFIG_FILE), text);
  }

  @Test
  void theKeysAreServerConfigs() {
    assertEquals(new TreeSet<>(KeelConfig.KEYS),
        new TreeSet<>(ServerKeys.load().keys().stream().map(ServerKeys.Key::name).toList()));
  }

  @Test
  void flagsBecomeEtcdVariablesInEveryForm() throws Exception {
    String d = decide(Map.of(), "--name=a", "--initial-cluster-token", "t", "-snapshot-count=5", "--name", "b");
    assertTrue(d.startsWith("mode=run\n"), d);
    assertTrue(d.contains("export ETCD_NAME='b'\n"), d);
    assertTrue(d.contains("export ETCD_INITIAL_CLUSTER_TOKEN='t'\n"), d);
    assertTrue(d.contains("export ETCD_SNAPSHOT_COUNT='5'\n"), d);
    assertTrue(d.contains("export ETCD_DATA_DIR='" + work.resolve("b.etcd") + "'\n"), d);
  }

  @Test
  void startAndValuesWithQuotesAreShellSafe() throws Exception {
    String d = decide(Map.of(), "start", "--initial-cluster-token=it's");
    assertTrue(d.startsWith("mode=start\n"), d);
    assertTrue(d.contains("export ETCD_INITIAL_CLUSTER_TOKEN='it'\\''s'\n"), d);
  }

  @Test
  void dataDirFromFlagOrEnvironmentIsAbsoluteAgainstTheWorkingDirectory() throws Exception {
    config("data-dir = from-file\n");
    assertTrue(decide(Map.of("ETCD_DATA_DIR", "env"), "--data-dir=flag")
        .contains("ETCD_DATA_DIR='" + work.resolve("flag") + "'"));
    assertTrue(decide(Map.of("ETCD_DATA_DIR", "env")).contains("ETCD_DATA_DIR='" + work.resolve("env") + "'"));
  }

  @Test
  void dataDirFromTheFileIsAbsoluteAgainstTheAppliance() throws Exception {
    config("data-dir = from-file\nname = n\n");
    assertTrue(decide(Map.of()).contains("ETCD_DATA_DIR='" + home.resolve("from-file") + "'"));
  }

  @Test
  void dataDirDefaultsToNameDotEtcdWithTheEnvironmentsNameOverTheFiles() throws Exception {
    config("name = file\n");
    assertTrue(decide(Map.of()).contains("ETCD_DATA_DIR='" + work.resolve("file.etcd") + "'"));
    assertTrue(decide(Map.of("ETCD_NAME", "env")).contains("ETCD_DATA_DIR='" + work.resolve("env.etcd") + "'"));
  }

  @Test
  void anInvalidValueFromAnySourceFailsWithCode1NamingTheKey() throws Exception {
    LaunchException flag = assertThrows(LaunchException.class, () -> decide(Map.of(), "--heartbeat-interval=abc"));
    assertEquals(1, flag.exitCode());
    assertEquals("invalid configuration: heartbeat-interval=abc: not an integer", flag.getMessage());
    config("max-txn-ops = 0\n");
    assertTrue(assertThrows(LaunchException.class, () -> decide(Map.of())).getMessage().contains("max-txn-ops=0"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--no-such-flag=1|unknown flag: --no-such-flag (see bin/keel --help)",
      "-nope|unknown flag: --nope (see bin/keel --help)",
      "stray|unexpected argument: stray (flags look like --name=value; see bin/keel --help)",
      "--name|flag needs an argument: --name",
      "stop x|stop takes no arguments",
      "status --name=x|status takes no arguments",
      "snapshot|usage: bin/keel snapshot restore FILE --data-dir DIR (save with etcdctl snapshot save)",
      "snapshot save f|usage: bin/keel snapshot restore FILE --data-dir DIR (save with etcdctl snapshot save)",
      "snapshot restore --bogus|snapshot restore: unknown flag --bogus",
      "snapshot restore a b|snapshot restore: one snapshot file only",
      "snapshot restore|snapshot restore: usage: bin/keel snapshot restore FILE --data-dir DIR"})
  void aWrongCommandLineFailsWithCode2(String args, String message) {
    LaunchException e = assertThrows(LaunchException.class, () -> decide(Map.of(), args.split(" ")));
    assertEquals(2, e.exitCode());
    assertEquals(message, e.getMessage());
  }

  @Test
  void stopAndStatusAreLeftToTheScript() throws Exception {
    assertEquals("mode=stop\n", decide(Map.of(), "stop"));
    assertEquals("mode=status\n", decide(Map.of(), "status"));
  }

  @Test
  void helpListsEveryKeyWithItsDefaultAndDescription() throws Exception {
    for (String help : new String[] {"--help", "-h", "help"}) {
      out.reset();
      assertEquals("mode=done\n", decide(Map.of(), help));
      String usage = out.toString(StandardCharsets.UTF_8);
      for (ServerKeys.Key k : ServerKeys.load().keys()) {
        assertTrue(usage.contains("--" + k.name()), k.name() + " missing from\n" + usage);
      }
      assertTrue(usage.contains("--heartbeat-interval  [100]\n"), usage);
      assertTrue(usage.contains("in milliseconds"), usage);
    }
  }

  @Test
  void anUnknownCipherSuiteFailsAtLaunchWithEtcdsWords() {
    LaunchException e = assertThrows(LaunchException.class, () -> decide(Map.of(), "--cipher-suites=TLS_BOGUS"));
    assertEquals(1, e.exitCode());
    assertTrue(e.getMessage().contains("unexpected TLS cipher suite \"TLS_BOGUS\""), e.getMessage());
  }

  @Test
  void booleanFlagsStandAloneAsInEtcd() throws Exception {
    String d = decide(Map.of(), "--client-cert-auth", "--peer-auto-tls=false", "--name=n");
    assertTrue(d.contains("export ETCD_CLIENT_CERT_AUTH='true'\n"), d);
    assertTrue(d.contains("export ETCD_PEER_AUTO_TLS='false'\n"), d);
    assertTrue(d.contains("export ETCD_NAME='n'\n"), d);
  }

  @Test
  void certsMintsAPkiThatVerifiesAndPrintsTheFlags() throws Exception {
    assertEquals("mode=done\n", decide(Map.of(), "certs", "--hosts", "127.0.0.1,node1", "--out", "pki"));
    Path pki = work.resolve("pki");
    java.security.cert.CertificateFactory f = java.security.cert.CertificateFactory.getInstance("X.509");
    java.security.cert.X509Certificate ca;
    try (var in = Files.newInputStream(pki.resolve("ca.pem"))) {
      ca = (java.security.cert.X509Certificate) f.generateCertificate(in);
    }
    for (String name : new String[] {"server", "peer", "client"}) {
      try (var in = Files.newInputStream(pki.resolve(name + ".pem"))) {
        java.security.cert.X509Certificate c = (java.security.cert.X509Certificate) f.generateCertificate(in);
        c.verify(ca.getPublicKey());
        if (name.equals("client")) {
          assertEquals("CN=root", c.getSubjectX500Principal().getName());
        } else {
          assertTrue(c.getSubjectAlternativeNames().toString().contains("node1"), c.getSubjectAlternativeNames().toString());
        }
      }
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(pki.resolve(name + "-key.pem"))));
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("--client-cert-auth --trusted-ca-file=" + pki.resolve("ca.pem")), printed);
    assertTrue(printed.contains("--cacert=" + pki.resolve("ca.pem")), printed);
    LaunchException again = assertThrows(LaunchException.class, () -> decide(Map.of(), "certs", "--out", "pki"));
    assertTrue(again.getMessage().contains("exists"), again.getMessage());
    assertEquals(2, assertThrows(LaunchException.class, () -> decide(Map.of(), "certs")).exitCode());
  }
}
