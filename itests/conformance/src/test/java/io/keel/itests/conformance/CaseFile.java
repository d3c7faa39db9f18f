package io.keel.itests.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A case file: one group of cases that run in order against one fresh server of each kind, so a
 * case sees the revisions its predecessors in the same file made, and nothing from other files.
 *
 * <pre>
 * # a comment
 * case kv_put_get                      starts a case (names are unique across all files)
 * $ etcdctl put k v                    a step: etcdctl with these arguments
 * $ etcdctl txn -w json                a step whose stdin follows, one "| " line each
 * | value("k") = "v"
 * |
 * $ curl POST /v3/kv/range '{"key":"aw=="}'   the JSON gateway: method, path, optional body
 * $ stream 6 lines etcdctl watch k --rev=1          stop the process once it printed 6 lines
 * $ stream 2 events etcdctl watch k --rev=1 -w json  ... once it printed 2 events ("kv": objects)
 * $ retry "expired" etcdctl lease timetolive ${LEASE_1}   rerun until stdout contains the text
 * $ etcdctl put big                    stdin made by a macro:
 * |fill 1600000 x                      one line of 1600000 'x'
 * |repeat 129 put k${i} v              129 lines, ${i} counting from 1
 * </pre>
 *
 * A stream step keeps stdin open (etcdctl's interactive watch exits on EOF). Arguments split on
 * blanks; single or double quotes keep blanks (no escapes inside). {@code ${LEASE_n}} is the n-th
 * lease this file granted, in hex as etcdctl takes it; {@code ${LEASE_n_DEC}} is the same in
 * decimal, as the gateway takes it; {@code ${DIR}} is the server's scratch folder.
 */
record CaseFile(String group, List<Case> cases) {

  /** One named case: its steps run in order; its transcript is what gets compared. */
  record Case(String name, String group, List<Step> steps) {}

  /** How a step runs. */
  enum Mode { RUN, STREAM, RETRY }

  /** What a STREAM step counts. */
  enum Unit { LINES, EVENTS }

  /**
   * One command. {@code program} is etcdctl or curl; for STREAM, {@code count} {@code unit}s of
   * stdout end it; for RETRY, {@code until} is the text that ends the retries.
   */
  record Step(String source, Mode mode, String program, List<String> args, String stdin, int count, Unit unit,
      String until) {}

  static CaseFile load(String resource) {
    try (InputStream in = CaseFile.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no case file " + resource);
      }
      String name = resource.substring(resource.lastIndexOf('/') + 1).replaceFirst("\\.cases$", "");
      return parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CaseFile parse(String group, String text) {
    List<Case> cases = new ArrayList<>();
    String caseName = null;
    List<Step> steps = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].stripTrailing();
      String where = group + ":" + (i + 1);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("case ")) {
        if (caseName != null) {
          cases.add(finish(caseName, group, steps, where));
        }
        caseName = line.substring(5).strip();
        steps = new ArrayList<>();
      } else if (line.startsWith("$ ")) {
        if (caseName == null) {
          throw new IllegalArgumentException(where + ": a step before the first case");
        }
        StringBuilder stdin = null;
        while (i + 1 < lines.length && lines[i + 1].startsWith("|")) {
          stdin = stdin == null ? new StringBuilder() : stdin;
          stdin.append(stdinLines(lines[++i].stripTrailing(), group + ":" + (i + 1)));
        }
        steps.add(step(line.substring(2).strip(), stdin == null ? null : stdin.toString(), where));
      } else {
        throw new IllegalArgumentException(where + ": expected 'case NAME', '$ COMMAND', '| STDIN' or '# comment': " + line);
      }
    }
    if (caseName != null) {
      cases.add(finish(caseName, group, steps, group + ":end"));
    }
    return new CaseFile(group, List.copyOf(cases));
  }

  /** One "|" line of stdin: "| text", "|" alone, or a |fill / |repeat macro. */
  private static String stdinLines(String line, String where) {
    if (line.equals("|")) {
      return "\n";
    }
    if (line.startsWith("| ")) {
      return line.substring(2) + "\n";
    }
    String[] macro = line.substring(1).split(" ", 3);
    if (macro.length == 3 && macro[0].equals("fill") && macro[2].length() == 1) {
      return macro[2].repeat(Integer.parseInt(macro[1])) + "\n";
    }
    if (macro.length == 3 && macro[0].equals("repeat")) {
      StringBuilder b = new StringBuilder();
      for (int n = 1; n <= Integer.parseInt(macro[1]); n++) {
        b.append(macro[2].replace("${i}", String.valueOf(n))).append('\n');
      }
      return b.toString();
    }
    throw new IllegalArgumentException(where + ": expected '| text', '|', '|fill N C' or '|repeat N LINE': " + line);
  }

  private static Case finish(String name, String group, List<Step> steps, String where) {
    if (steps.isEmpty()) {
      throw new IllegalArgumentException(where + ": case " + name + " has no steps");
    }
    return new Case(name, group, List.copyOf(steps));
  }

  private static Step step(String source, String stdin, String where) {
    List<String> words = split(source, where);
    Mode mode = Mode.RUN;
    int count = 0;
    Unit unit = null;
    String until = null;
    if (words.get(0).equals("stream") && words.size() > 3) {
      mode = Mode.STREAM;
      count = Integer.parseInt(words.get(1));
      unit = Unit.valueOf(words.get(2).toUpperCase(java.util.Locale.ROOT));
      words = words.subList(3, words.size());
    } else if (words.get(0).equals("retry") && words.size() > 2) {
      mode = Mode.RETRY;
      until = words.get(1);
      words = words.subList(2, words.size());
    }
    String program = words.get(0);
    if (!program.equals("etcdctl") && !program.equals("curl")) {
      throw new IllegalArgumentException(where + ": a step runs etcdctl or curl, not " + program);
    }
    if (program.equals("curl") && (words.size() < 3 || words.size() > 4)) {
      throw new IllegalArgumentException(where + ": curl METHOD PATH [BODY], got " + words);
    }
    return new Step(source, mode, program, List.copyOf(words.subList(1, words.size())), stdin, count, unit, until);
  }

  /** Splits on blanks; a quoted part (single or double quotes) keeps its blanks. */
  static List<String> split(String s, String where) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (char c : s.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException(where + ": unclosed quote in " + s);
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }
}
