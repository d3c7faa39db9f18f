package io.keel.tls.internal;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** The names in a certificate: its subject's common name and the hosts it is valid for (Go's VerifyHostname). */
public final class Names {
  private static final int DNS = 2;
  private static final int IP = 7;

  private Names() {}

  /** The subject's CN, or "" when it has none (as Go's {@code Subject.CommonName}). */
  public static String commonName(X509Certificate cert) {
    try {
      List<Rdn> rdns = new LdapName(cert.getSubjectX500Principal().getName()).getRdns();
      for (int i = rdns.size() - 1; i >= 0; i--) { // the most specific CN, as Go takes the last one
        if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
          return rdns.get(i).getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      return "";
    }
    return "";
  }

  /** Whether {@code host} (a name or an IP literal) is one the certificate names; wildcards in the leftmost label. */
  public static boolean validFor(X509Certificate cert, String host) {
    List<String> dnsNames = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == DNS) {
            dnsNames.add(san.get(1).toString().toLowerCase(Locale.ROOT));
          } else if (type == IP) {
            ips.add(san.get(1).toString());
          }
        }
      }
    } catch (CertificateParsingException e) {
      return false;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (isIpLiteral(h)) {
      try {
        InetAddress want = InetAddress.getByName(h);
        for (String ip : ips) {
          if (InetAddress.getByName(ip).equals(want)) {
            return true;
          }
        }
      } catch (java.net.UnknownHostException e) {
        return false;
      }
      return false;
    }
    String name = h.toLowerCase(Locale.ROOT);
    if (dnsNames.isEmpty() && ips.isEmpty()) {
      return name.equalsIgnoreCase(commonName(cert)); // legacy: no SANs, the CN is the name
    }
    for (String pattern : dnsNames) {
      if (pattern.equals(name)) {
        return true;
      }
      if (pattern.startsWith("*.") && name.indexOf('.') > 0 && name.substring(name.indexOf('.')).equals(pattern.substring(1))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isIpLiteral(String h) {
    return h.contains(":") || h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }
}
