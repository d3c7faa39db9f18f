package io.keel.shell.internal.command;

import io.keel.api.Maintenance;
import io.keel.shell.internal.Waits;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.apache.karaf.shell.api.action.Completion;

/**
 * etcdctl snapshot save, on the member's host: the same file (Keel's backup followed by the
 * SHA-256 of it), which {@code bin/keel snapshot restore} reads. Written to a temporary file and
 * moved into place, so a failed save leaves no partial file under the name.
 */
@Command(scope = "keel", name = "snapshot", description = "Saves a backup of this member's key-value state to a file (for bin/keel snapshot restore)")
@Service
public class SnapshotCommand implements Action {
  @Reference
  Maintenance maintenance;

  @Argument(index = 0, name = "file", required = true,
      description = "Where to write it; a relative path is taken from the appliance folder")
  @Completion(FileCompleter.class)
  String file;

  @Override
  public Object execute() throws Exception {
    Path home = Path.of(System.getProperty("karaf.home", "."));
    Path target = home.resolve(file).toAbsolutePath().normalize();
    byte[] data = Waits.await(maintenance.backup(), 120_000);
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path partial = Files.createTempFile(parent, target.getFileName().toString(), ".part");
    try {
      try (OutputStream out = Files.newOutputStream(partial)) {
        out.write(data);
        out.write(MessageDigest.getInstance("SHA-256").digest(data));
      }
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
    System.out.println("Snapshot saved at " + target);
    return null;
  }
}
