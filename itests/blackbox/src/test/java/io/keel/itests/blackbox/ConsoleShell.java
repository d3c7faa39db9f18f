package io.keel.itests.blackbox;

import io.keel.testsupport.Await;
import io.keel.testsupport.Etcdctl;
import java.time.Duration;

/**
 * {@code bin/keel shell '<command>'} against one running appliance, as an operator types it: the
 * output (stdout and stderr together, Karaf's colour codes removed) and the exit code.
 */
final class ConsoleShell {
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
  private final ApplianceProcess member;

  ConsoleShell(ApplianceProcess member) {
    this.member = member;
  }

  Etcdctl.Result run(String command) {
    Etcdctl.Result r = member.keel(COMMAND_TIMEOUT, "shell", command);
    return new Etcdctl.Result(r.exitCode(), r.stdout().replaceAll("\u001B\\[[0-9;]*m", "").trim(), "");
  }

  /** Runs a command that must succeed; returns its output. */
  String ok(String command) {
    Etcdctl.Result r = run(command);
    if (r.exitCode() != 0) {
      throw new AssertionError("bin/keel shell '" + command + "' failed: " + r + "\n" + member.diagnostics());
    }
    return r.stdout();
  }

  /** Runs a command that must fail; returns its output. */
  String fails(String command) {
    Etcdctl.Result r = run(command);
    if (r.exitCode() == 0) {
      throw new AssertionError("bin/keel shell '" + command + "' succeeded: " + r);
    }
    return r.stdout();
  }

  /** Waits until the console answers keel:* commands (its commands register after the member is healthy). */
  ConsoleShell awaitReady() {
    Await.until(ApplianceProcess.BOOT_TIMEOUT, "the console answers keel:status", () -> run("keel:status").exitCode() == 0);
    return this;
  }
}
