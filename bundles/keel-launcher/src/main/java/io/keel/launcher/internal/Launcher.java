package io.keel.launcher.internal;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * bin/keel's command line, decided in Java; bin/keel itself only takes the lock and execs Karaf.
 *
 * <pre>
 *   bin/keel [run] [flags] | start [flags] | stop | status | shell [COMMAND] | snapshot restore FILE ... | certs --out DIR
 *   | help
 * </pre>
 *
 * The flags are etcd's, one per {@link ServerKeys key}, as {@code --key=value} or {@code --key
 * value} (one dash works too, as with etcd). What bin/keel must do next is written as shell lines
 * to the file named by {@code KEEL_LAUNCH_DECISION} (bin/keel points it at a descriptor it reads):
 * {@code mode=run|start|stop|status} plus, to run a member, the {@code ETCD_*} exports of
 * {@link MemberLaunch}; {@code mode=done} when the launcher did all there was to do (usage, a
 * restore). Errors print one line, {@code keel: ...}, on stderr and exit 2 for a wrong command
 * line, 1 for anything else.
 */
public final class Launcher {
  private final ServerKeys keys;
  private final Path home;
  private final Path workDir;
  private final Map<String, String> env;
  private final PrintStream out;

  Launcher(ServerKeys keys, Path home, Path workDir, Map<String, String> env, PrintStream out) {
    this.keys = keys;
    this.home = home;
    this.workDir = workDir;
    this.env = env;
    this.out = out;
  }

  public static void main(String[] args) throws IOException {
    Path home = Path.of(System.getProperty("keel.home", ".")).toAbsolutePath();
    Launcher launcher = new Launcher(ServerKeys.load(), home, Path.of("").toAbsolutePath(), System.getenv(), System.out);
    String decisionFile = System.getenv("KEEL_LAUNCH_DECISION");
    int exitCode;
    try (PrintStream decision = decisionFile == null ? System.out
        : new PrintStream(new FileOutputStream(decisionFile), true, StandardCharsets.UTF_8)) {
      exitCode = launcher.run(decision, args);
    }
    System.exit(exitCode);
  }

  /** Decides, writes the decision, and returns the exit code (after printing the error, if any). */
  int run(PrintStream decision, String... args) {
    try {
      decision.print(decide(args));
      decision.flush();
      return 0;
    } catch (LaunchException e) {
      System.err.println("keel: " + e.getMessage());
      return e.exitCode();
    }
  }

  /** The shell lines for bin/keel. */
  String decide(String... args) throws LaunchException {
    if (args.length > 0 && args[0].equals("shell")) {
      // bin/keel shell ['<command>']: everything after "shell" is the console's, not ours to parse
      return "mode=shell\n" + ShellAccess.connect(home);
    }
    CommandLine keel = commandLine();
    ParseResult parsed;
    try {
      parsed = keel.parseArgs(args);
    } catch (ParameterException e) {
      throw commandLineError(e);
    }
    ParseResult command = parsed.subcommand() == null ? parsed : parsed.subcommand();
    String name = command.commandSpec().name();
    if (command.isUsageHelpRequested() || name.equals("help")) {
      out.print(usage());
      return "mode=done\n";
    }
    switch (name) {
      case "stop", "status" -> {
        return "mode=" + name + "\n";
      }
      case "certs" -> {
        Certs.run(workDir, command.matchedOptionValue("--hosts", null), command.matchedOptionValue("--out", null), out);
        return "mode=done\n";
      }
      case "snapshot" -> {
        if (command.subcommand() == null) {
          throw snapshotUsage();
        }
        restore(command.subcommand());
        return "mode=done\n";
      }
      default -> {
        Map<String, String> flags = new LinkedHashMap<>();
        for (OptionSpec o : command.matchedOptions()) {
          flags.put(key(o), o.getValue());
        }
        MemberLaunch launch = MemberLaunch.resolve(flags, env, home, workDir);
        return "mode=" + (name.equals("start") ? "start" : "run") + "\n" + launch.shell() + ShellAccess.prepare(home, env);
      }
    }
  }

  private void restore(ParseResult restore) throws LaunchException {
    String[] files = restore.matchedPositionalValue(0, new String[0]);
    if (files.length > 1) {
      throw new LaunchException(2, "snapshot restore: one snapshot file only");
    }
    SnapshotRestore.run(workDir, files.length == 0 ? null : files[0], restore.matchedOptionValue("--data-dir", null),
        restore.matchedOptionValue("--skip-hash-check", false), out);
  }

  private CommandLine commandLine() {
    CommandLine keel = new CommandLine(serverCommand("keel"));
    keel.addSubcommand(new CommandLine(serverCommand("run")));
    keel.addSubcommand(new CommandLine(serverCommand("start")));
    keel.addSubcommand(new CommandLine(CommandSpec.create().name("stop")));
    keel.addSubcommand(new CommandLine(CommandSpec.create().name("status")));
    keel.addSubcommand(new CommandLine(CommandSpec.create().name("help")));
    CommandSpec certs = CommandSpec.create().name("certs");
    certs.addOption(OptionSpec.builder("--hosts").arity("1").type(String.class).build());
    certs.addOption(OptionSpec.builder("--out").arity("1").type(String.class).build());
    keel.addSubcommand(new CommandLine(certs));
    CommandLine snapshot = new CommandLine(CommandSpec.create().name("snapshot"));
    snapshot.addSubcommand(new CommandLine(restoreCommand()));
    keel.addSubcommand(snapshot);
    // etcd's flag habits: a flag given twice keeps the last value; '@' starts no argument file
    keel.setOverwrittenOptionsAllowed(true);
    keel.setExpandAtFiles(false);
    return keel;
  }

  /** A command taking every server key as a flag, etcd's way: --key=value, --key value, -key=value. */
  private CommandSpec serverCommand(String name) {
    CommandSpec spec = CommandSpec.create().name(name);
    for (ServerKeys.Key k : keys.keys()) {
      // etcd's boolean flags (default false) stand alone: --client-cert-auth means true
      boolean bool = "false".equals(k.defaultValue());
      spec.addOption(OptionSpec.builder("--" + k.name(), "-" + k.name()).arity(bool ? "0..1" : "1")
          .fallbackValue(bool ? "true" : null).type(String.class).build());
    }
    spec.addOption(OptionSpec.builder("-h", "-help", "--help").usageHelp(true).build());
    return spec;
  }

  /** snapshot restore: etcdctl's restore flags naming the new cluster are accepted, as scripts pass them, and unused. */
  private static CommandSpec restoreCommand() {
    CommandSpec spec = CommandSpec.create().name("restore");
    spec.addOption(OptionSpec.builder("--data-dir").arity("1").type(String.class).build());
    spec.addOption(OptionSpec.builder("--skip-hash-check").arity("0..1").type(boolean.class).build());
    for (String unused : List.of("--name", "--initial-cluster", "--initial-cluster-token", "--initial-advertise-peer-urls")) {
      spec.addOption(OptionSpec.builder(unused).arity("1").type(String.class).build());
    }
    spec.addPositional(PositionalParamSpec.builder().arity("0..*").type(String[].class).build());
    return spec;
  }

  private static LaunchException commandLineError(ParameterException e) {
    String command = e.getCommandLine().getCommandName();
    switch (command) {
      case "stop", "status" -> {
        return new LaunchException(2, command + " takes no arguments");
      }
      case "snapshot" -> {
        return snapshotUsage();
      }
      case "restore" -> {
        if (e instanceof UnmatchedArgumentException u) {
          return new LaunchException(2, "snapshot restore: unknown flag " + u.getUnmatched().get(0));
        }
        return new LaunchException(2, "snapshot restore: " + flagError(e));
      }
      default -> {
        if (e instanceof UnmatchedArgumentException u) {
          String arg = u.getUnmatched().get(0);
          if (arg.startsWith("-")) {
            return new LaunchException(2, "unknown flag: --" + arg.replaceFirst("^--?", "").replaceFirst("=.*", "")
                + " (see bin/keel --help)");
          }
          return new LaunchException(2, "unexpected argument: " + arg + " (flags look like --name=value; see bin/keel --help)");
        }
        return new LaunchException(2, flagError(e));
      }
    }
  }

  private static String flagError(ParameterException e) {
    if (e instanceof MissingParameterException m && !m.getMissing().isEmpty()) {
      ArgSpec missing = m.getMissing().get(0);
      if (missing instanceof OptionSpec o) {
        return "flag needs an argument: --" + key(o);
      }
    }
    return e.getMessage();
  }

  private static LaunchException snapshotUsage() {
    return new LaunchException(2, "usage: bin/keel snapshot restore FILE --data-dir DIR (save with etcdctl snapshot save)");
  }

  private static String key(OptionSpec o) {
    return o.longestName().replaceFirst("^--?", "");
  }

  /** bin/keel --help: the commands, then every flag with its default and its description. */
  String usage() {
    StringBuilder sb = new StringBuilder("""
        Usage:
          bin/keel [flags]          run a Keel member in the foreground (Ctrl-C stops it)
          bin/keel start [flags]    run it as a daemon
          bin/keel stop             stop the daemon of this appliance folder
          bin/keel status           tell whether the member of this appliance folder is running
          bin/keel shell ['CMD']    run one console command (keel:status, bundle:list ...) on the
                                    running member of this folder, or open its console
          bin/keel snapshot restore FILE --data-dir DIR
                                    seed a new member from an `etcdctl snapshot save` file
          bin/keel certs --hosts a,b,c --out DIR
                                    mint a CA, server, peer and client (CN=root) certificates
          bin/keel bench --help     the load generator
          bin/keel --help           this text

        Flags (etcd's names and defaults; --key=value or --key value):
        """);
    for (ServerKeys.Key k : keys.keys()) {
      sb.append("  --").append(k.name());
      if (!k.defaultValue().isEmpty()) {
        sb.append("  [").append(k.defaultValue()).append(']');
      }
      sb.append('\n');
      wrap(sb, k.description(), "        ", 100);
    }
    sb.append("""

        Precedence: flags > ETCD_* environment variables (ETCD_DATA_DIR, ...) > etc/io.keel.server.cfg.
        Logs: data/log/karaf.log (and stdout in the foreground).
        """);
    return sb.toString();
  }

  private static void wrap(StringBuilder sb, String text, String indent, int width) {
    StringBuilder line = new StringBuilder(indent);
    for (String word : text.split(" ")) {
      if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
        sb.append(line).append('\n');
        line = new StringBuilder(indent);
      }
      line.append(line.length() > indent.length() ? " " : "").append(word);
    }
    sb.append(line).append('\n');
  }
}
