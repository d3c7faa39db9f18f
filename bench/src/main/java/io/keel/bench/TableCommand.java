package io.keel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Turns the JSON lines of many runs into the comparison table {@code bench/compare} prints: per
 * workload (the {@code workload} tag) the median over runs of each server (the {@code server}
 * tag), and candidate/baseline ratios. Lines with {@code "bench":"measure"} carry one number
 * ({@code value}, e.g. RSS or start-up time) and go to a second table.
 *
 * <p>A {@code target} tag such as {@code rps>=1.2,p99<=1} (ratios candidate/baseline over
 * {@code rps}, {@code p99}, {@code avg} or {@code value}) adds a met / MISSED column.
 */
@Command(name = "table", mixinStandardHelpOptions = true,
    description = "Median comparison table (markdown) from JSON lines written by --json-out.")
final class TableCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TARGET = Pattern.compile("(rps|p99|avg|value)(>=|<=)([0-9.]+)");

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "files of JSON lines")
  List<Path> files;

  @Option(names = "--baseline", defaultValue = "etcd", description = "server the ratios divide by [${DEFAULT-VALUE}]")
  String baseline;

  @Option(names = "--candidate", defaultValue = "keel", description = "server the ratios are of [${DEFAULT-VALUE}]")
  String candidate;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  /** Runs of one workload on one server. */
  private static final class Runs {
    final List<Double> rps = new ArrayList<>();
    final List<Double> p99 = new ArrayList<>();
    final List<Double> avg = new ArrayList<>();
    final List<Double> value = new ArrayList<>();
    long errors;
    int incomplete;
  }

  private static final class Workload {
    final boolean measure;
    String target;
    String unit = "";
    final Map<String, Runs> byServer = new LinkedHashMap<>();

    Workload(boolean measure) {
      this.measure = measure;
    }
  }

  @Override
  public Integer call() {
    Map<String, Workload> workloads = new LinkedHashMap<>();
    for (Path f : files) {
      List<String> lines;
      try {
        lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (String line : lines) {
        if (!line.startsWith("{")) {
          continue;
        }
        JsonNode n;
        try {
          n = JSON.readTree(line);
        } catch (IOException e) {
          throw new BenchException("not JSON in " + f + ": " + line);
        }
        String server = n.path("server").asText("");
        if (server.isEmpty()) {
          continue;
        }
        boolean measure = n.path("bench").asText().equals("measure");
        String name = n.hasNonNull("workload") ? n.get("workload").asText() : n.path("bench").asText();
        Workload w = workloads.computeIfAbsent(name, k -> new Workload(measure));
        if (n.hasNonNull("target")) {
          w.target = n.get("target").asText();
        }
        if (n.hasNonNull("unit")) {
          w.unit = n.get("unit").asText();
        }
        Runs r = w.byServer.computeIfAbsent(server, k -> new Runs());
        if (measure) {
          r.value.add(n.path("value").asDouble());
        } else {
          r.rps.add(n.path("rps").asDouble());
          if (n.has("p99_ms")) {
            r.p99.add(n.get("p99_ms").asDouble());
            r.avg.add(n.get("avg_ms").asDouble());
          }
          r.errors += n.path("errors").asLong();
          if (!n.path("complete").asBoolean(true)) {
            r.incomplete++;
          }
        }
      }
    }
    print(spec.commandLine().getOut(), workloads);
    return 0;
  }

  private void print(PrintWriter out, Map<String, Workload> workloads) {
    String b = baseline;
    String c = candidate;
    out.printf("| workload | runs | %s req/s | %s req/s | %s/%s req/s | %s p99 ms | %s p99 ms | %s/%s p99 | %s avg ms | %s avg ms | errors %s/%s | target | |%n",
        b, c, c, b, b, c, c, b, b, c, b, c);
    out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|");
    for (Map.Entry<String, Workload> e : workloads.entrySet()) {
      Workload w = e.getValue();
      if (w.measure) {
        continue;
      }
      Runs rb = w.byServer.getOrDefault(b, new Runs());
      Runs rc = w.byServer.getOrDefault(c, new Runs());
      Map<String, Double> ratios = new LinkedHashMap<>();
      ratios.put("rps", ratio(median(rc.rps), median(rb.rps)));
      ratios.put("p99", ratio(median(rc.p99), median(rb.p99)));
      ratios.put("avg", ratio(median(rc.avg), median(rb.avg)));
      String incomplete = rb.incomplete + rc.incomplete > 0 ? " (incomplete runs: " + rb.incomplete + "/" + rc.incomplete + ")" : "";
      out.printf(Locale.ROOT, "| %s | %d/%d | %s | %s | %s | %s | %s | %s | %s | %s | %d/%d%s | %s | %s |%n",
          e.getKey(), rb.rps.size(), rc.rps.size(), num(median(rb.rps), 0), num(median(rc.rps), 0), num(ratios.get("rps"), 2),
          num(median(rb.p99), 2), num(median(rc.p99), 2), num(ratios.get("p99"), 2),
          num(median(rb.avg), 2), num(median(rc.avg), 2), rb.errors, rc.errors, incomplete,
          w.target == null ? "" : w.target, verdict(w.target, ratios));
    }
    boolean any = workloads.values().stream().anyMatch(w -> w.measure);
    if (any) {
      out.println();
      out.printf("| measure | runs | %s | %s | %s/%s | target | |%n", b, c, c, b);
      out.println("|---|---|---:|---:|---:|---|---|");
      for (Map.Entry<String, Workload> e : workloads.entrySet()) {
        Workload w = e.getValue();
        if (!w.measure) {
          continue;
        }
        Runs rb = w.byServer.getOrDefault(b, new Runs());
        Runs rc = w.byServer.getOrDefault(c, new Runs());
        Map<String, Double> ratios = Map.of("value", ratio(median(rc.value), median(rb.value)));
        String unit = w.unit.isEmpty() ? "" : " " + w.unit;
        out.printf(Locale.ROOT, "| %s | %d/%d | %s%s | %s%s | %s | %s | %s |%n", e.getKey(), rb.value.size(), rc.value.size(),
            num(median(rb.value), 1), unit, num(median(rc.value), 1), unit, num(ratios.get("value"), 2),
            w.target == null ? "" : w.target, verdict(w.target, ratios));
      }
    }
    out.flush();
  }

  /** "met" if every clause of the target holds, "MISSED" if one does not, empty without a target. */
  static String verdict(String target, Map<String, Double> ratios) {
    if (target == null || target.isBlank()) {
      return "";
    }
    for (String clause : target.split(",")) {
      Matcher m = TARGET.matcher(clause.trim());
      if (!m.matches()) {
        return "bad target";
      }
      Double r = ratios.get(m.group(1));
      if (r == null || r.isNaN()) {
        return "n/a";
      }
      double limit = Double.parseDouble(m.group(3));
      boolean ok = m.group(2).equals(">=") ? r >= limit : r <= limit;
      if (!ok) {
        return "MISSED";
      }
    }
    return "met";
  }

  static double median(List<Double> xs) {
    if (xs.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = new ArrayList<>(xs);
    s.sort(Double::compare);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static double ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? Double.NaN : a / b;
  }

  private static String num(double x, int decimals) {
    return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", x);
  }
}
