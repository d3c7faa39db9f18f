package io.keel.itests.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * known-differences.txt: cases where Keel is known to answer differently from etcd today, each with
 * its reason ({@code case_name: reason}, # comments). The suite reports them as skipped with that
 * reason instead of leaving them out silently; -Dkeel.conformance.runKnownDifferences=true runs them.
 */
record KnownDifferences(Map<String, String> reasons) {

  static final String RESOURCE = "/known-differences.txt";

  static KnownDifferences load() {
    try (InputStream in = KnownDifferences.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("no " + RESOURCE + " on the test classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static KnownDifferences parse(String text) {
    Map<String, String> reasons = new LinkedHashMap<>();
    int n = 0;
    for (String line : text.split("\n")) {
      n++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || line.substring(colon + 1).isBlank()) {
        throw new IllegalArgumentException(RESOURCE + ":" + n + ": expected 'case_name: reason', got " + line);
      }
      if (reasons.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip()) != null) {
        throw new IllegalArgumentException(RESOURCE + ":" + n + ": case listed twice: " + line);
      }
    }
    return new KnownDifferences(Map.copyOf(reasons));
  }

  Optional<String> reason(String caseName) {
    return Optional.ofNullable(reasons.get(caseName));
  }
}
