package io.keel.console.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The console's static files, read once from the bundle at start. A request names an asset, never
 * a path: only the names listed here are served, so no URL (with "..", encoded slashes, or
 * anything else) can reach a file outside them.
 */
public final class Assets {
  /** Name -> content type; {@code AssetsTest} checks this list against the assets directory. */
  static final Map<String, String> TYPES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "console.css", "text/css; charset=utf-8",
      "app.js", "text/javascript; charset=utf-8",
      "api.js", "text/javascript; charset=utf-8",
      "keys.js", "text/javascript; charset=utf-8",
      "watch.js", "text/javascript; charset=utf-8",
      "cluster.js", "text/javascript; charset=utf-8",
      "charts.js", "text/javascript; charset=utf-8",
      "favicon.svg", "image/svg+xml");
  static final String DIR = "/io/keel/console/assets/";

  public record Asset(String contentType, byte[] body) {}

  private final Map<String, Asset> assets = new LinkedHashMap<>();

  private Assets() {}

  public static Assets load() {
    Assets a = new Assets();
    for (Map.Entry<String, String> e : TYPES.entrySet()) {
      try (InputStream in = Assets.class.getResourceAsStream(DIR + e.getKey())) {
        if (in == null) {
          throw new IllegalStateException("console asset missing from the bundle: " + e.getKey());
        }
        a.assets.put(e.getKey(), new Asset(e.getValue(), in.readAllBytes()));
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }
    return a;
  }

  /** The asset with exactly this name, or null. */
  public Asset get(String name) {
    return assets.get(name);
  }
}
