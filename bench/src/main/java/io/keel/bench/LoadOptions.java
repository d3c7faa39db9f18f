package io.keel.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The options every load subcommand shares (etcd's benchmark has them as global flags): where to
 * connect, how many gRPC connections and concurrent clients, time limits, and what to do with the
 * result. A client has one request outstanding at a time; clients share the connections round-robin.
 */
final class LoadOptions {

  @Option(names = "--endpoints", split = ",", defaultValue = "127.0.0.1:2379", paramLabel = "HOST:PORT",
      description = "gRPC endpoints, comma separated (http:// prefix allowed) [${DEFAULT-VALUE}]")
  List<String> endpoints;

  @Option(names = "--cacert", paramLabel = "FILE",
      description = "CA bundle (PEM) that verifies the servers' certificates; turns TLS on, as etcd's benchmark")
  Path cacert;

  @Option(names = "--cert", paramLabel = "FILE", description = "client certificate (PEM) for mutual TLS")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "the client certificate's key (PEM, PKCS#8)")
  Path key;

  @Option(names = "--conns", defaultValue = "1", description = "gRPC connections shared by the clients [${DEFAULT-VALUE}]")
  int conns;

  @Option(names = "--clients", defaultValue = "1", description = "concurrent clients, one request in flight each [${DEFAULT-VALUE}]")
  int clients;

  @Option(names = "--dial-timeout", defaultValue = "5s", converter = DurationConverter.class,
      description = "time to get every connection ready [${DEFAULT-VALUE}]")
  Duration dialTimeout;

  @Option(names = "--request-timeout", defaultValue = "30s", converter = DurationConverter.class,
      description = "deadline of each request [${DEFAULT-VALUE}]")
  Duration requestTimeout;

  @Option(names = "--max-time", defaultValue = "30m", converter = DurationConverter.class,
      description = "give up (exit 1, partial summary) if the run takes longer [${DEFAULT-VALUE}]")
  Duration maxTime;

  @Option(names = "--duration", defaultValue = "0", converter = DurationConverter.class,
      description = "stop sending after this long even if --total is not reached, 0 for no limit; the run "
          + "then counts what was answered [${DEFAULT-VALUE}]")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "0",
      description = "requests sent before the measured ones and not counted (JIT warm-up) [${DEFAULT-VALUE}]")
  long warmup;

  @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "copied into the JSON line (repeatable)")
  Map<String, String> tags = new LinkedHashMap<>();

  @Option(names = "--json-out", paramLabel = "FILE", description = "also append the JSON line to FILE")
  Path jsonOut;

  @Option(names = "--no-progress", negatable = false, description = "no progress line on stderr")
  boolean noProgress;

  /** TLS when a CA is given or any endpoint is an https:// URL. */
  boolean tls() {
    return cacert != null || endpoints.stream().anyMatch(e -> e.trim().startsWith("https://"));
  }

  /** Nanoseconds after the start when no new request is sent; Long.MAX_VALUE without --duration. */
  long durationNanos() {
    return duration.isZero() ? Long.MAX_VALUE : duration.toNanos();
  }

  void validate() {
    if (conns < 1 || clients < 1) {
      throw new BenchException("--conns and --clients must be at least 1");
    }
    if (duration.isNegative()) {
      throw new BenchException("--duration must not be negative");
    }
    if (warmup < 0) {
      throw new BenchException("--warmup must not be negative");
    }
    if ((cert == null) != (key == null)) {
      throw new BenchException("--cert and --key go together");
    }
    if (cert != null && !tls()) {
      throw new BenchException("--cert needs TLS: give --cacert or https:// endpoints");
    }
  }

  /** Go-style durations as etcd's flags take them: 500ms, 5s, 2m, 1h (a bare number is seconds). */
  static final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
      Matcher m = FORM.matcher(value.trim().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new TypeConversionException("not a duration: '" + value + "' (e.g. 500ms, 5s, 2m)");
      }
      double n = Double.parseDouble(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      double ms = switch (unit) {
        case "ms" -> n;
        case "s" -> n * 1_000;
        case "m" -> n * 60_000;
        default -> n * 3_600_000;
      };
      return Duration.ofNanos((long) (ms * 1_000_000));
    }
  }
}
