package io.keel.api.config;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's {@code time.ParseDuration} grammar, which etcd's duration flags and options use: one or more
 * decimal numbers each with a unit ({@code ns us µs ms s m h}), such as {@code 300ms}, {@code 1.5h}
 * or {@code 2h45m}; no sign, no spaces; and {@code 0} alone, as Go allows. Also what Consul's
 * duration fields take (keel-registry).
 */
public final class GoDurations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

  private GoDurations() {}

  /** {@code text} in milliseconds (fractions of a millisecond dropped); -1 if it is not a duration. */
  public static long millis(String text) {
    if (text.equals("0")) {
      return 0;
    }
    Matcher m = PART.matcher(text);
    BigDecimal nanos = BigDecimal.ZERO;
    int end = 0;
    while (end < text.length() && m.find(end) && m.start() == end) {
      BigDecimal unit = switch (m.group(2)) {
        case "ns" -> BigDecimal.ONE;
        case "us", "µs" -> BigDecimal.valueOf(1_000L);
        case "ms" -> BigDecimal.valueOf(1_000_000L);
        case "s" -> BigDecimal.valueOf(1_000_000_000L);
        case "m" -> BigDecimal.valueOf(60_000_000_000L);
        default -> BigDecimal.valueOf(3_600_000_000_000L);
      };
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(unit));
      end = m.end();
    }
    if (end == 0 || end != text.length()) {
      return -1;
    }
    BigDecimal ms = nanos.movePointLeft(6);
    return ms.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? -1 : ms.longValue();
  }
}
