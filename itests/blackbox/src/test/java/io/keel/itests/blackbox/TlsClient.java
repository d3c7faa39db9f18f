package io.keel.itests.blackbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A long-lived HTTP/1.1 connection over TLS to the client port (the JSON gateway), presenting a
 * client certificate from an openssl PKI: for checking that a connection opened before a rotation
 * keeps working after it.
 */
final class TlsClient implements AutoCloseable {
  private final SSLSocket socket;

  TlsClient(OpensslPki pki, String ca, String name, int port) throws Exception {
    socket = (SSLSocket) sslContext(pki, ca, name).getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(20_000);
    socket.startHandshake();
  }

  /** A client context trusting {@code ca}.pem and presenting {@code name}.pem (none when name is null). */
  static SSLContext sslContext(OpensslPki pki, String ca, String name) throws Exception {
    KeyManagerFactory kmf = null;
    if (name != null) {
      kmf = keyManagers(pki, name);
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(pki.file(ca + ".pem"))) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  private static KeyManagerFactory keyManagers(OpensslPki pki, String name) throws Exception {
    pki.run("openssl", "pkcs12", "-export", "-in", pki.path(name + ".pem"), "-inkey", pki.path(name + "-key.pem"),
        "-out", pki.path(name + ".p12"), "-passout", "pass:test");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(pki.file(name + ".p12"))) {
      keys.load(in, "test".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "test".toCharArray());
    return kmf;
  }

  /**
   * The serial of the certificate the server presented, as openssl prints it: upper-case hex in whole
   * bytes (a leading 0 when the number has an odd count of digits, e.g. 0EBE...).
   */
  String serverSerial() throws Exception {
    String hex = ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber().toString(16)
        .toUpperCase(java.util.Locale.ROOT);
    return hex.length() % 2 == 1 ? "0" + hex : hex;
  }

  /** GET {@code path} on this connection; the status line and body. */
  String get(String path) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after " + head);
      }
      head.write(b);
    }
    String headers = head.toString(StandardCharsets.US_ASCII);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(headers);
    int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
    byte[] body = in.readNBytes(length);
    return headers.substring(0, headers.indexOf("\r\n")) + "\n" + new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
