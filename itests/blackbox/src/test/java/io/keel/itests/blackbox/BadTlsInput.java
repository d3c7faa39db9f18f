package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Random;

/**
 * What no TLS listener may accept, sent to one port: random bytes, TLS records cut short, and
 * openssl hellos the server must refuse (a protocol under TLS 1.2, only ciphers it does not take).
 * Each must cost only its own connection: the server closes it (a read that never ends fails the
 * test after 20 s), and the caller then checks that the member serves on. Shared by every TLS port's
 * test (client, peer, metrics).
 */
final class BadTlsInput {
  private BadTlsInput() {}

  /**
   * Five blocks of random bytes (1 to 4096, seeded), a handshake record header promising 16 KiB
   * followed by a few bytes and the end, and a record header cut after two bytes: each on its own
   * connection, each closed by the server.
   */
  static void garbageAndTruncatedRecords(int port) throws Exception {
    Random random = new Random(11);
    for (int i = 0; i < 5; i++) {
      byte[] junk = new byte[1 + random.nextInt(4096)];
      random.nextBytes(junk);
      sendAndClose(port, junk);
    }
    sendAndClose(port, new byte[] {0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x00, 0x3f});
    sendAndClose(port, new byte[] {0x16, 0x03});
  }

  /**
   * Sends {@code bytes}, half-closes, and reads until the server closes the connection (at most
   * 20 s of silence, else a SocketTimeoutException fails the caller); what the server sent, perhaps
   * an alert.
   */
  static byte[] sendAndClose(int port, byte[] bytes) throws Exception {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(20_000);
      s.getOutputStream().write(bytes);
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      for (int n; (n = in.read(buf)) >= 0; ) {
        got.write(buf, 0, n);
      }
    } catch (SocketException reset) {
      // closed with unread bytes pending: a reset is the server hanging up too
    }
    return got.toByteArray();
  }

  /**
   * An {@code openssl s_client} handshake to {@code port} with {@code flags} (protocol, ciphers,
   * certificates); everything it printed and then {@code exit=N}.
   */
  static String opensslHello(OpensslPki pki, int port, String flags) {
    return pki.run(List.of("sh", "-c", "openssl s_client -connect 127.0.0.1:" + port + " " + flags
        + " </dev/null 2>&1; echo exit=$?"), null);
  }

  /**
   * A hello offering only TLS 1.1 is refused by the server with a protocol_version alert (TLS 1.2 is
   * the minimum). SECLEVEL=0 lets openssl 3 send a TLS 1.1 hello at all, so the refusal is the
   * server's.
   */
  static void assertTls11Refused(OpensslPki pki, int port, String certFlags) {
    String out = opensslHello(pki, port, "-tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' -CAfile " + pki.path("ca.pem") + certFlags);
    assertTrue(out.contains("exit=1"), out);
    assertTrue(out.contains("alert protocol version"), "the server's protocol_version alert: " + out);
  }

  /**
   * A TLS 1.2 hello offering only the NULL-SHA suite (no encryption, which no server should take) is
   * refused by the server with a handshake_failure alert.
   */
  static void assertNullCipherRefused(OpensslPki pki, int port, String certFlags) {
    String out = opensslHello(pki, port, "-tls1_2 -cipher 'NULL-SHA:@SECLEVEL=0' -CAfile " + pki.path("ca.pem") + certFlags);
    assertTrue(out.contains("exit=1"), out);
    assertTrue(out.contains("alert handshake failure"), "the server's handshake_failure alert: " + out);
  }
}
