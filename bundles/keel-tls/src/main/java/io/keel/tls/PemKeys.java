package io.keel.tls;

import io.keel.tls.internal.PemFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * Keys from PEM files for other uses than TLS (the JWT signing keys of {@code auth-token=jwt}):
 * the same formats the listeners' key files take.
 */
public final class PemKeys {
  private PemKeys() {}

  /** The one private key in {@code file}: PKCS#1, SEC1 or PKCS#8 (unencrypted). */
  public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    return PemFiles.privateKey(file, null);
  }

  /** The one public key in {@code file}: PKIX, PKCS#1 RSA, or a certificate's. */
  public static PublicKey publicKey(Path file) throws IOException, GeneralSecurityException {
    return PemFiles.publicKey(file);
  }
}
