package io.keel.launcher.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * How {@code bin/keel shell} reaches the running member's console: Karaf's ssh server, bound to
 * 127.0.0.1 only (etc/org.apache.karaf.shell.cfg), accepting one user, {@value #USER}, by public
 * key only (no user has a password). The key pair is made at the folder's first start:
 * <ul>
 *   <li>the private key, {@code data/shell/client.key} (PKCS#8 PEM), readable by this user only
 *       (the folder is 0700, the file 0600): whoever can read it is the operator;</li>
 *   <li>its public half in etc/keys.properties as {@code keel=<key>,_g_:admingroup} (Karaf's
 *       public-key login module; admingroup carries the ssh role).</li>
 * </ul>
 * The ssh port is a free port on 127.0.0.1 picked at each start ({@code KEEL_SHELL_PORT} fixes it),
 * handed to Karaf as the system property {@code keel.shell.port} and written to
 * {@code data/shell/port} by bin/keel once it holds the folder's lock.
 */
final class ShellAccess {
  static final String USER = "keel";
  static final String KEY_FILE = "data/shell/client.key";
  static final String PORT_FILE = "data/shell/port";
  static final String KEYS_PROPERTIES = "etc/keys.properties";

  private ShellAccess() {}

  /** Makes the key pair if there is none yet; returns the shell lines exporting the port to use. */
  static String prepare(Path home, Map<String, String> env) throws LaunchException {
    try {
      Path key = home.resolve(KEY_FILE);
      if (!Files.isRegularFile(key) || !authorized(home)) {
        generate(home);
      }
      String fixed = env.get("KEEL_SHELL_PORT");
      int port = fixed == null || fixed.isBlank() ? freePort() : parsePort(fixed);
      return "export KEEL_SHELL_PORT='" + port + "'\n";
    } catch (IOException e) {
      throw new LaunchException(1, "cannot prepare the console's ssh key in " + home.resolve("data/shell") + ": " + e.getMessage());
    }
  }

  /** The shell lines for {@code bin/keel shell}: where the running member's console listens. */
  static String connect(Path home) throws LaunchException {
    Path portFile = home.resolve(PORT_FILE);
    Path key = home.resolve(KEY_FILE);
    if (!Files.isRegularFile(portFile) || !Files.isRegularFile(key)) {
      throw new LaunchException(1, "no console: the member of " + home + " has never been started");
    }
    try {
      int port = parsePort(Files.readString(portFile, StandardCharsets.UTF_8).trim());
      return "export KEEL_SHELL_PORT='" + port + "'\nexport KEEL_SHELL_KEY='" + key.toString().replace("'", "'\\''")
          + "'\nexport KEEL_SHELL_USER='" + USER + "'\n";
    } catch (IOException e) {
      throw new LaunchException(1, "cannot read " + portFile + ": " + e.getMessage());
    }
  }

  private static boolean authorized(Path home) throws IOException {
    Path keys = home.resolve(KEYS_PROPERTIES);
    return Files.isRegularFile(keys)
        && Files.readAllLines(keys, StandardCharsets.UTF_8).stream().anyMatch(l -> l.startsWith(USER + "="));
  }

  static void generate(Path home) throws IOException {
    KeyPair pair;
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(3072);
      pair = g.generateKeyPair();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
    Path dir = home.resolve(KEY_FILE).getParent();
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path key = home.resolve(KEY_FILE);
    Path partial = dir.resolve("client.key.part");
    Files.deleteIfExists(partial);
    Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    Files.writeString(partial, pem, StandardCharsets.US_ASCII);
    Files.move(partial, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    authorize(home.resolve(KEYS_PROPERTIES), sshPublicKey((RSAPublicKey) pair.getPublic()));
  }

  /** Puts {@code keel=<key>,_g_:admingroup} into keys.properties, replacing an older keel line. */
  static void authorize(Path keysProperties, String publicKey) throws IOException {
    List<String> lines = new ArrayList<>();
    Files.createDirectories(keysProperties.getParent());
    if (Files.isRegularFile(keysProperties)) {
      for (String l : Files.readAllLines(keysProperties, StandardCharsets.UTF_8)) {
        if (!l.startsWith(USER + "=")) {
          lines.add(l);
        }
      }
    }
    if (lines.stream().noneMatch(l -> l.startsWith("_g_\\:admingroup"))) {
      lines.add("_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh");
    }
    lines.add(USER + "=" + publicKey + ",_g_:admingroup");
    Files.write(keysProperties, lines, StandardCharsets.UTF_8);
  }

  /** The OpenSSH public key blob (RFC 4253 "ssh-rsa": string, mpint e, mpint n), base64. */
  static String sshPublicKey(RSAPublicKey key) {
    byte[] type = "ssh-rsa".getBytes(StandardCharsets.US_ASCII);
    byte[] e = key.getPublicExponent().toByteArray();
    byte[] n = key.getModulus().toByteArray();
    ByteBuffer b = ByteBuffer.allocate(12 + type.length + e.length + n.length);
    b.putInt(type.length).put(type).putInt(e.length).put(e).putInt(n.length).put(n);
    return Base64.getEncoder().encodeToString(b.array());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static int parsePort(String text) throws LaunchException {
    try {
      int port = Integer.parseInt(text.trim());
      if (port > 0 && port < 65536) {
        return port;
      }
    } catch (NumberFormatException ignored) {
      // below
    }
    throw new LaunchException(1, "bad console port " + text + " (KEEL_SHELL_PORT or data/shell/port): expected 1-65535");
  }

}
