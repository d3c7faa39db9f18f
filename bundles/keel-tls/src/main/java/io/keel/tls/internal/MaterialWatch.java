package io.keel.tls.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener's current {@link Material}, re-read when one of its files changes (etcd reloads on
 * every handshake; this checks the files' size, time and inode on every handshake and reads them
 * only when one changed). A change that does not load (a half-written file, a key that no longer
 * matches, garbage) keeps the previous material and is logged once, with the reason; the next
 * change is tried again.
 *
 * <p>Handshakes in flight may still ask for the material they started with ({@link #generation}),
 * so the last few loads stay reachable by generation.
 */
public final class MaterialWatch {
  private static final Logger LOG = LoggerFactory.getLogger(MaterialWatch.class);
  private static final int KEPT = 4;

  private final Material.Files files;
  private final String what;
  private volatile Material current;
  private volatile List<Object> loadedStamps;
  private List<Object> failedStamps; // guarded by this
  private final Map<Long, Material> recent = new LinkedHashMap<>(); // guarded by itself

  /** Loads the files now: a listener does not start with material it cannot read. */
  public MaterialWatch(String what, Material.Files files) throws IOException, GeneralSecurityException {
    this.what = what;
    this.files = files;
    this.loadedStamps = stamps();
    this.current = Material.load(1, files);
    remember(current);
  }

  /** The material for a new handshake: the files' current contents, or the last that loaded. */
  public Material current() {
    List<Object> now = stamps();
    if (now.equals(loadedStamps)) {
      return current;
    }
    synchronized (this) {
      if (now.equals(loadedStamps) || now.equals(failedStamps)) {
        return current;
      }
      try {
        Material next = Material.load(current.generation() + 1, files);
        current = next;
        loadedStamps = now;
        failedStamps = null;
        remember(next);
        LOG.info("tls files reloaded listener={} generation={} serial={}", what, next.generation(),
            next.chain()[0].getSerialNumber().toString(16));
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        failedStamps = now;
        LOG.warn("tls files changed but cannot be loaded; keeping the previous certificate listener={} reason={}",
            what, e.getMessage() == null ? e.toString() : e.getMessage());
      }
      return current;
    }
  }

  /** The material of an earlier {@link #current()} answer, if still kept. */
  public Material generation(long generation) {
    synchronized (recent) {
      Material m = recent.get(generation);
      return m != null ? m : current;
    }
  }

  private void remember(Material m) {
    synchronized (recent) {
      recent.put(m.generation(), m);
      while (recent.size() > KEPT) {
        recent.remove(recent.keySet().iterator().next());
      }
    }
  }

  private List<Object> stamps() {
    List<Object> stamps = new ArrayList<>();
    for (Path p : files.all()) {
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        stamps.add(List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey())));
      } catch (NoSuchFileException e) {
        stamps.add("missing");
      } catch (IOException e) {
        stamps.add("unreadable " + e.getMessage());
      }
    }
    return stamps;
  }
}
