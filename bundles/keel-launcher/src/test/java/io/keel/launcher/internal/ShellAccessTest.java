package io.keel.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellAccessTest {
  @TempDir
  Path home;

  @Test
  void firstStartMakesAKeyOnlyThisUserReadsAndAuthorizesItsPublicHalf() throws Exception {
    Files.createDirectories(home.resolve("etc"));
    Files.writeString(home.resolve("etc/keys.properties"), "# comment\nkeel=OLD,_g_:admingroup\n");
    String exports = ShellAccess.prepare(home, Map.of("KEEL_SHELL_PORT", "4242"));
    assertEquals("export KEEL_SHELL_PORT='4242'\n", exports);

    Path key = home.resolve(ShellAccess.KEY_FILE);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));
    String pem = Files.readString(key);
    RSAPrivateCrtKey priv = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
        Base64.getMimeDecoder().decode(pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", ""))));

    List<String> lines = Files.readAllLines(home.resolve("etc/keys.properties"));
    assertEquals("# comment", lines.get(0));
    List<String> keel = lines.stream().filter(l -> l.startsWith("keel=")).toList();
    assertEquals(1, keel.size(), "the old keel line is replaced: " + lines);
    assertTrue(keel.get(0).endsWith(",_g_:admingroup"));
    assertTrue(lines.contains("_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh"));
    // the authorized key is the OpenSSH blob of the private key's public half
    String blob = keel.get(0).substring("keel=".length(), keel.get(0).indexOf(','));
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(blob)));
    assertEquals("ssh-rsa", new String(in.readNBytes(in.readInt()), StandardCharsets.US_ASCII));
    assertEquals(priv.getPublicExponent(), new BigInteger(in.readNBytes(in.readInt())));
    assertEquals(priv.getModulus(), new BigInteger(in.readNBytes(in.readInt())));

    // a later start keeps the key; it picks a free port unless one is configured
    ShellAccess.prepare(home, Map.of());
    assertEquals(pem, Files.readString(key));
    assertTrue(ShellAccess.prepare(home, Map.of()).matches("export KEEL_SHELL_PORT='\\d+'\n"));
  }

  @Test
  void connectingNeedsAStartedFolder() throws Exception {
    LaunchException e = assertThrows(LaunchException.class, () -> ShellAccess.connect(home));
    assertTrue(e.getMessage().contains("has never been started"), e.getMessage());
    ShellAccess.prepare(home, Map.of());
    Files.writeString(home.resolve(ShellAccess.PORT_FILE), "4243\n");
    String exports = ShellAccess.connect(home);
    assertTrue(exports.contains("export KEEL_SHELL_PORT='4243'\n"), exports);
    assertTrue(exports.contains("export KEEL_SHELL_USER='keel'\n"), exports);
    assertTrue(exports.contains("export KEEL_SHELL_KEY='" + home.resolve(ShellAccess.KEY_FILE) + "'\n"), exports);
    assertThrows(LaunchException.class, () -> ShellAccess.prepare(home, Map.of("KEEL_SHELL_PORT", "70000")));
  }
}
