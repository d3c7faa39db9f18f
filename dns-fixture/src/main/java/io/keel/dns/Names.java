package io.keel.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.Address;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** Parsing of names and literal addresses as the config and the builder take them. */
final class Names {
  private Names() {}

  /** An absolute name; "x.example.com" and "x.example.com." are the same. */
  static Name parse(String s) {
    try {
      return Name.fromString(s.trim(), Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("bad name \"" + s + "\": " + e.getMessage(), e);
    }
  }

  /** True when {@code s} is a literal IPv4 or IPv6 address (never a lookup). */
  static boolean isAddress(String s) {
    return Address.isDottedQuad(s) || Address.toByteArray(s, Address.IPv6) != null;
  }

  /** A literal IPv4 or IPv6 address; never resolves a name. */
  static InetAddress address(String s) {
    String t = s.trim();
    int family = Address.isDottedQuad(t) ? Address.IPv4 : Address.IPv6;
    byte[] bytes = Address.toByteArray(t, family);
    if (bytes == null) {
      throw new IllegalArgumentException("bad address \"" + s + "\"");
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bad address \"" + s + "\"", e);
    }
  }
}
