package io.keel.itests.blackbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small file system of the test's own: a private mount namespace (held open by a sleeping
 * process) with a tmpfs of a given size mounted over one folder, so that a member started inside it
 * ({@link #enter}) runs out of disk where the test decides, while the host's mounts are untouched.
 * The test reaches the files inside through {@code /proc/<holder>/root}. Needs root (as the Pax Exam
 * network namespace does); closing ends the holder, and the mount goes with the last process in it.
 */
final class TmpfsNamespace implements AutoCloseable {
  private final Process holder;

  private TmpfsNamespace(Process holder) {
    this.holder = holder;
  }

  /** Mounts a tmpfs of {@code size} (e.g. "48m") over {@code dir}, which must exist, in a new mount namespace. */
  static TmpfsNamespace mount(Path dir, String size) {
    try {
      Process holder = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sleep", "3600")
          .redirectErrorStream(true).start();
      TmpfsNamespace ns = new TmpfsNamespace(holder);
      // unshare executes sleep once the namespace exists; until then nsenter would enter the host's
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (ProcessHandle.of(holder.pid()).flatMap(h -> h.info().command()).map(c -> !c.endsWith("sleep"))
          .orElse(true)) {
        if (!holder.isAlive() || System.nanoTime() > deadline) {
          ns.close();
          throw new AssertionError("unshare --mount did not start (root needed): " + new String(
              holder.getInputStream().readAllBytes()));
        }
        Thread.sleep(20);
      }
      ns.run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
      return ns;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The command prefix that runs what follows inside the namespace, in {@code workDir}. */
  List<String> enter(Path workDir) {
    return List.of("nsenter", "--target", Long.toString(holder.pid()), "--mount", "--wd=" + workDir, "--");
  }

  /** Where the test sees {@code path} as the namespace sees it. */
  Path inside(Path path) {
    return Path.of("/proc", Long.toString(holder.pid()), "root").resolve(Path.of("/").relativize(path.toAbsolutePath()));
  }

  private void run(String... command) {
    List<String> cmd = new java.util.ArrayList<>(enter(Path.of("/")));
    cmd.addAll(List.of(command));
    Commands.run(java.time.Duration.ofSeconds(30), cmd.toArray(String[]::new));
  }


  @Override
  public void close() {
    holder.destroyForcibly();
    try {
      holder.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
