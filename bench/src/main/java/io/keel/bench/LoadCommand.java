package io.keel.bench;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.LongFunction;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * The shape of every load subcommand: connect, set up (prefill, grants; not measured), warm up
 * (not measured), run the measured phase with a progress line, tear down, print the summary.
 * Closed-loop workloads only say what request number {@code seq} is; others override
 * {@link #measure}.
 *
 * <p>Each subcommand declares its own {@code --total} (and {@code --rate}, where it has one), each
 * with a description in its own words; this class reads them through the command's picocli model.
 */
abstract class LoadCommand implements Callable<Integer> {

  @Mixin
  LoadOptions load;

  @Spec
  CommandSpec spec;

  /** The "bench" name in the JSON line: the subcommand's name. */
  final String name() {
    return spec.name();
  }

  /** Workload parameters reported in the JSON line (after conns and clients). */
  abstract Map<String, Object> params();

  /** Measured requests (for the progress line): the command's {@code --total}. */
  long total() {
    return spec.findOption("--total").<Long>getValue();
  }

  void validate() {
  }

  void setup(Run run) {
  }

  void teardown(Run run) {
  }

  /** Per-client senders of a closed-loop workload; not used when {@link #measure} is overridden. */
  IntFunction<ClosedLoop.Requester> requesters(Run run) {
    throw new UnsupportedOperationException(name() + " overrides measure()");
  }

  /** Requests per second over all clients ({@code --rate}), 0 for as fast as answers come. */
  double rate() {
    OptionSpec rate = spec.findOption("--rate");
    return rate == null ? 0 : rate.<Double>getValue();
  }

  /** Runs the measured phase, recording into {@code stats}; returns the elapsed nanoseconds. */
  long measure(Run run, Stats stats) {
    if (load.warmup > 0) {
      new ClosedLoop(load.clients, 0, load.warmup, 0, Long.MAX_VALUE, requesters(run), null, run.timer)
          .run(load.maxTime.toNanos());
    }
    return new ClosedLoop(load.clients, load.warmup, total(), rate(), load.durationNanos(), requesters(run), stats,
        run.timer).run(load.maxTime.toNanos());
  }

  @Override
  public final Integer call() {
    load.validate();
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "bench-timer");
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
    try (Connections conns = Connections.open(load)) {
      Run run = new Run(conns, timer, load);
      setup(run);
      Stats stats = new Stats();
      long elapsed;
      boolean complete = true;
      try (Progress p = Progress.start(name(), total(), stats, err, !load.noProgress, timer)) {
        elapsed = measure(run, stats);
      } catch (ClosedLoop.TimeLimitException e) {
        elapsed = e.elapsedNanos;
        complete = false;
      }
      teardown(run);
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("endpoints", String.join(",", load.endpoints));
      params.put("conns", load.conns);
      params.put("clients", load.clients);
      params.put("total", total());
      if (!load.duration.isZero()) {
        params.put("duration_s", load.duration.toMillis() / 1000.0);
      }
      params.putAll(params());
      Summary summary = new Summary(load.tags, name(), params, stats, elapsed, complete);
      summary.print(out);
      if (load.jsonOut != null) {
        summary.append(load.jsonOut);
      }
      return complete ? 0 : 1;
    } finally {
      timer.shutdownNow();
    }
  }

  /** What a workload needs while it runs. */
  record Run(Connections conns, ScheduledThreadPoolExecutor timer, LoadOptions load) {
  }

  /** An ordered map of alternating names and values, for {@link #params()}. */
  static Map<String, Object> ordered(Object... namesAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return m;
  }

  /** Per-client senders of one unary method: each client sends, on its connection, {@code request(seq)}. */
  static <Q> IntFunction<ClosedLoop.Requester> unaryRequesters(Run run, MethodDescriptor<Q, ?> method,
      LongFunction<Q> request) {
    return client -> {
      Channel ch = run.conns().forClient(client);
      return (seq, done) -> unary(ch, method, run.conns().callOptions(), request.apply(seq), done);
    };
  }

  /** Starts one unary call; {@code done} hears its outcome once. */
  static <Q, R> void unary(Channel ch, MethodDescriptor<Q, R> method, CallOptions options, Q request,
      ClosedLoop.Completion done) {
    unary(ch, method, options, request, r -> { }, done);
  }

  /** Starts one unary call; {@code answer} sees the response before {@code done} hears success. */
  static <Q, R> void unary(Channel ch, MethodDescriptor<Q, R> method, CallOptions options, Q request,
      Consumer<R> answer, ClosedLoop.Completion done) {
    ClientCalls.asyncUnaryCall(ch.newCall(method, options), request, new StreamObserver<R>() {
      @Override
      public void onNext(R value) {
        answer.accept(value);
      }

      @Override
      public void onError(Throwable t) {
        done.failed(t);
      }

      @Override
      public void onCompleted() {
        done.succeeded();
      }
    });
  }

  /** Runs an unmeasured closed loop (prefill, grants) and fails the run if any request failed. */
  static void prepare(String what, Run run, int clients, long count, IntFunction<ClosedLoop.Requester> requesters) {
    Stats stats = new Stats();
    try {
      new ClosedLoop(clients, 0, count, 0, Long.MAX_VALUE, requesters, stats, run.timer())
          .run(run.load().maxTime.toNanos());
    } catch (ClosedLoop.TimeLimitException e) {
      throw new BenchException(what + " did not finish within --max-time " + run.load().maxTime);
    }
    if (stats.failed() > 0) {
      throw new BenchException(what + ": " + stats.failed() + " of " + count + " requests failed: " + stats.errors());
    }
  }
}
