package io.keel.bench;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The {@code bench} command: a load generator for any etcd v3 endpoint, modelled on etcd's
 * {@code tools/benchmark} so that runs against Keel and real etcd are comparable. Each load
 * subcommand prints etcd's summary (total time, requests/s, latency distribution, errors) and one
 * JSON line for scripts.
 *
 * <p>Exit status: 0 when the run completed (request errors are reported, not fatal, as in etcd's
 * tool), 1 when it could not run (no connection, bad setup) or did not finish within
 * {@code --max-time}, 2 on a usage error.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Bench.Version.class,
    description = {"Load generator speaking etcd v3 gRPC to any etcd-compatible endpoint (Keel or real etcd),",
        "modelled on etcd's tools/benchmark. Options follow the subcommand: bench put --conns 10 --clients 100 ..."},
    subcommands = {PutCommand.class, RangeCommand.class, TxnPutCommand.class, WatchLatencyCommand.class,
        LeaseKeepaliveCommand.class, TableCommand.class, HelpCommand.class})
public final class Bench implements Runnable {

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  /** Runs one command line with the given streams; returns the exit status. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    CommandLine cl = new CommandLine(new Bench());
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      commandLine.getErr().println("bench: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      if (!(e instanceof BenchException)) {
        e.printStackTrace(commandLine.getErr());
      }
      return 1;
    });
    return cl.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Bench.class.getPackage().getImplementationVersion();
      return new String[] {"keel bench " + (v == null ? "(development build)" : v)};
    }
  }
}
