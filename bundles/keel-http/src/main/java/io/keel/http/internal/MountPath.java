package io.keel.http.internal;

/** Checks the keel.http.path of a servlet service: a prefix such as "/ui" that no built-in endpoint uses. */
public final class MountPath {
  private static final java.util.Set<String> RESERVED = java.util.Set.of("/metrics", "/health", "/livez", "/readyz",
      "/version");

  private MountPath() {}

  /** The prefix, normalized (a trailing slash dropped), or an IllegalArgumentException saying what is wrong. */
  public static String check(Object path) {
    if (!(path instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("keel.http.path must be a path such as /ui, got " + path);
    }
    String p = s.endsWith("/") && s.length() > 1 ? s.substring(0, s.length() - 1) : s;
    if (!p.matches("(/[A-Za-z0-9._~-]+)+") || p.contains("/./") || p.contains("/../") || p.endsWith("/..")
        || p.endsWith("/.")) {
      throw new IllegalArgumentException("keel.http.path must be a path such as /ui (letters, digits, . _ ~ -), got " + s);
    }
    for (String r : RESERVED) {
      if (p.equals(r) || p.startsWith(r + "/")) {
        throw new IllegalArgumentException("keel.http.path " + p + " is a built-in endpoint");
      }
    }
    return p;
  }
}
