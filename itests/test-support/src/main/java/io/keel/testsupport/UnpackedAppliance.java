package io.keel.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The appliance tarball as an operator has it: unpacked into a folder of its own per member, and,
 * once that member is stopped for good, shed of what it can rebuild.
 *
 * <p>An unpacked, started appliance takes about 430 MB (the Maven repository under {@code system/},
 * {@code lib/}, and Karaf's bundle cache under {@code data/cache}); the black-box and conformance
 * suites start some eighty of them, so keeping them all would need tens of GB. {@link #shed} keeps
 * what a person reads after a failure (etc/, bin/, Karaf's log) and the member's own data.
 */
public final class UnpackedAppliance {

  private static final List<String> REBUILDABLE = List.of("system", "lib", "data/cache", "data/tmp");

  private UnpackedAppliance() {}

  /** Unpacks {@code tarball} into {@code into} and returns the appliance's top folder inside it. */
  public static Path unpack(Path tarball, Path into) {
    if (!Files.isRegularFile(tarball)) {
      throw new IllegalStateException("appliance tarball not found: " + tarball + " (build assembly/ first)");
    }
    try {
      Files.createDirectories(into);
      Path log = into.resolveSibling(into.getFileName() + "-tar.log");
      Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", into.toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!tar.waitFor(120, TimeUnit.SECONDS) || tar.exitValue() != 0) {
        tar.destroyForcibly();
        throw new IllegalStateException("could not unpack " + tarball + ": "
            + new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
      }
      try (Stream<Path> top = Files.list(into)) {
        List<Path> dirs = top.filter(Files::isDirectory).toList();
        if (dirs.size() != 1) {
          throw new IllegalStateException("expected one top folder in " + tarball + ", found " + dirs);
        }
        return dirs.get(0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Deletes the parts of the appliance at {@code home} that the tarball or a start rebuilds. Call it
   * only when no process runs from {@code home} any more.
   */
  public static void shed(Path home) {
    for (String part : REBUILDABLE) {
      deleteTree(home.resolve(part));
    }
  }

  /** Deletes {@code root} and everything under it (nothing if it does not exist). */
  public static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
