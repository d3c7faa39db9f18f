package io.keel.grpc.internal.osgi;

import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.util.Set;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops what other bundles' threads still hold of this bundle's class loader when it stops, so that
 * a bundle:update leaves the old revision's classes collectable (Declarative Services has closed the
 * server by then).
 *
 * <p>Two holds exist. gRPC serializes a response on the thread that sends it, and Keel sends from
 * the thread that completes the request: jraft's state machine and read-index threads, which live
 * in io.keel.raft. The embedded Netty caches buffers for such a thread in a plain ThreadLocal whose
 * value, Netty's InternalThreadLocalMap, is of this bundle's classes and, through its class, keeps
 * its own key alive: the entry outlives the bundle until the thread ends. And a JDK thread started
 * from one of this bundle's threads (CompletableFuture's delay scheduler, started on the first
 * read deadline) inherits it as its context class loader, for the life of the process.
 *
 * <p>So on stop every live thread that has this class loader as context class loader gets none,
 * and every ThreadLocal entry whose value is of this class loader is emptied and marked stale
 * (the owning thread expunges it on its next ThreadLocal access, or Netty makes a fresh map if a
 * late reply still comes through). Entries are touched one reference at a time, never the owning
 * thread's table. ThreadLocal's internals are reached by reflection (Karaf opens java.lang to
 * bundles); where they are not reachable, one WARN line says the old revision stays loaded.
 */
public final class LoaderReferences implements BundleActivator {
  private static final Logger LOG = LoggerFactory.getLogger(LoaderReferences.class);

  @Override
  public void start(BundleContext context) {
    // nothing: the holds are made while serving
  }

  @Override
  public void stop(BundleContext context) {
    Released released = release(LoaderReferences.class.getClassLoader(), Thread.getAllStackTraces().keySet());
    LOG.debug("released this revision's class loader: {}", released);
  }

  /** What {@link #release} did: context class loaders reset, ThreadLocal entries emptied. */
  record Released(int contextLoaders, int threadLocals) {}

  /** Drops the references {@code threads} hold of {@code loader} (see the class comment). */
  static Released release(ClassLoader loader, Set<Thread> threads) {
    int contexts = 0;
    int entries = 0;
    ThreadLocals access = ThreadLocals.open();
    for (Thread thread : threads) {
      if (thread != Thread.currentThread() && thread.getContextClassLoader() == loader) {
        thread.setContextClassLoader(null);
        contexts++;
      }
      if (access != null) {
        entries += access.empty(thread, loader);
      }
    }
    return new Released(contexts, entries);
  }

  /** Reflective access to a thread's ThreadLocal entries; null (after one WARN) when not permitted. */
  private record ThreadLocals(Field threadLocals, Field table, Field value) {
    static ThreadLocals open() {
      try {
        Field threadLocals = Thread.class.getDeclaredField("threadLocals");
        Field table = Class.forName("java.lang.ThreadLocal$ThreadLocalMap").getDeclaredField("table");
        Field value = Class.forName("java.lang.ThreadLocal$ThreadLocalMap$Entry").getDeclaredField("value");
        threadLocals.setAccessible(true);
        table.setAccessible(true);
        value.setAccessible(true);
        return new ThreadLocals(threadLocals, table, value);
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.warn("cannot reach other threads' ThreadLocals, this revision's classes may stay loaded: {}", e.toString());
        return null;
      }
    }

    /** Empties {@code thread}'s entries whose value is of {@code loader}; how many. */
    int empty(Thread thread, ClassLoader loader) {
      try {
        Object map = threadLocals.get(thread);
        Object[] entries = map == null ? null : (Object[]) table.get(map);
        int emptied = 0;
        for (Object entry : entries == null ? new Object[0] : entries) {
          Object v = entry == null ? null : value.get(entry);
          if (v != null && v.getClass().getClassLoader() == loader) {
            value.set(entry, null);
            ((Reference<?>) entry).clear();
            emptied++;
          }
        }
        return emptied;
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.warn("cannot empty the ThreadLocals of thread {}: {}", thread.getName(), e.toString());
        return 0;
      }
    }
  }
}
