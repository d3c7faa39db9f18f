package io.keel.itests.blackbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made with the {@code openssl} command, as an operator would make them, in one
 * folder: CAs, leaves they sign (keys in several encodings: PKCS#1 RSA, SEC1 EC, PKCS#8), and CRLs
 * from {@code openssl ca}. Every command is bounded and its failure throws with openssl's output.
 */
final class OpensslPki {
  final Path dir;

  OpensslPki(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  String path(String name) {
    return file(name).toString();
  }

  /** A self-signed CA {@code name}.pem / {@code name}-key.pem (P-256, PKCS#8 key). */
  OpensslPki ca(String name) {
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", path(name + "-key.pem"), "-out", path(name + ".pem"), "-days", "2", "-subj", "/CN=" + name,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    write(name + ".cnf", String.join("\n", "[ca]", "default_ca = ca_default", "[ca_default]",
        "database = " + path(name + "-index.txt"), "crlnumber = " + path(name + "-crlnumber"), "default_md = sha256",
        "default_crl_days = 30", "private_key = " + path(name + "-key.pem"), "certificate = " + path(name + ".pem"), ""));
    write(name + "-index.txt", "");
    write(name + "-crlnumber", "01\n");
    return this;
  }

  /** Key encodings a leaf can be given. */
  enum Key { RSA_PKCS1, EC_SEC1, EC_PKCS8 }

  /**
   * A leaf {@code name}.pem / {@code name}-key.pem signed by {@code ca}: CN {@code cn}, for server
   * and client use, valid for 127.0.0.1 and localhost.
   */
  OpensslPki leaf(String ca, String name, String cn, Key key) {
    String k = path(name + "-key.pem");
    switch (key) {
      case RSA_PKCS1 -> run("openssl", "genrsa", "-traditional", "-out", k, "2048");
      case EC_SEC1 -> run("openssl", "ecparam", "-genkey", "-name", "prime256v1", "-out", k);
      case EC_PKCS8 -> run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", k);
    }
    run("openssl", "req", "-new", "-key", k, "-out", path(name + ".csr"), "-subj", "/CN=" + cn);
    write(name + ".ext", "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
        + "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n");
    run("openssl", "x509", "-req", "-in", path(name + ".csr"), "-CA", path(ca + ".pem"), "-CAkey", path(ca + "-key.pem"),
        "-CAcreateserial", "-out", path(name + ".pem"), "-days", "2", "-extfile", path(name + ".ext"));
    return this;
  }

  /** Revokes {@code leaf} in {@code ca}'s database and writes {@code ca}-crl.pem. */
  OpensslPki revoke(String ca, String leaf) {
    run("openssl", "ca", "-config", path(ca + ".cnf"), "-revoke", path(leaf + ".pem"));
    run("openssl", "ca", "-config", path(ca + ".cnf"), "-gencrl", "-out", path(ca + "-crl.pem"));
    return this;
  }

  /** An empty CRL of {@code ca} (so the server starts with a CRL file). */
  OpensslPki emptyCrl(String ca) {
    run("openssl", "ca", "-config", path(ca + ".cnf"), "-gencrl", "-out", path(ca + "-crl.pem"));
    return this;
  }

  /** The serial of {@code name}.pem in openssl's hex spelling. */
  String serial(String name) {
    return run("openssl", "x509", "-in", path(name + ".pem"), "-noout", "-serial").trim().replaceFirst("^serial=", "");
  }

  /** etcdctl's TLS flags for a client presenting {@code name} and trusting {@code ca}. */
  String[] etcdctlFlags(String ca, String name) {
    return new String[] {"--cacert=" + path(ca + ".pem"), "--cert=" + path(name + ".pem"), "--key=" + path(name + "-key.pem")};
  }

  void write(String name, String text) {
    try {
      Files.writeString(file(name), text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a command in the folder; its stdout, or an AssertionError with everything it printed. */
  String run(String... cmd) {
    return run(List.of(cmd), null);
  }

  String run(List<String> cmd, String stdin) {
    try {
      Path out = Files.createTempFile(dir, "cmd", ".out");
      Path err = Files.createTempFile(dir, "cmd", ".err");
      ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).directory(dir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      if (stdin == null) {
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      }
      Process p = pb.start();
      if (stdin != null) {
        try (var in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.US_ASCII));
        }
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError(cmd + " did not finish within 60 s");
      }
      String o = Files.readString(out);
      if (p.exitValue() != 0) {
        throw new AssertionError(cmd + " exited " + p.exitValue() + ": " + o + Files.readString(err));
      }
      return o;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public String toString() {
    return "openssl PKI in " + dir + " " + Arrays.toString(dir.toFile().list());
  }
}
