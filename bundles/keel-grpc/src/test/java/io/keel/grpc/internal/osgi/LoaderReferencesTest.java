package io.keel.grpc.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Set;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoaderReferencesTest {
  /** A class loader of its own, standing for a bundle revision's: it defines its own copy of Marker. */
  private static ClassLoader revision() {
    URL classes = LoaderReferencesTest.class.getProtectionDomain().getCodeSource().getLocation();
    return new URLClassLoader(new URL[] {classes}, null);
  }

  public static final class Marker {}

  @Test
  void emptiesOtherThreadsEntriesOfTheLoaderAndResetsTheirContextLoader() throws Exception {
    ClassLoader old = revision();
    Object fromOld = old.loadClass(Marker.class.getName()).getConstructor().newInstance();
    ThreadLocal<Object> cache = new ThreadLocal<>();
    ThreadLocal<Object> unrelated = new ThreadLocal<>();
    SynchronousQueue<Runnable> work = new SynchronousQueue<>();
    SynchronousQueue<Object[]> seen = new SynchronousQueue<>();
    Thread worker = new Thread(() -> {
      try {
        cache.set(fromOld);
        unrelated.set(new Marker()); // this test's own loader: stays
        seen.put(new Object[0]);
        work.take().run();
        seen.put(new Object[] {cache.get(), unrelated.get(), Thread.currentThread().getContextClassLoader()});
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "stand-in for a raft thread");
    worker.setContextClassLoader(old);
    worker.setDaemon(true);
    worker.start();
    assertNotNull(seen.poll(10, TimeUnit.SECONDS), "worker set its ThreadLocals");

    LoaderReferences.Released released = LoaderReferences.release(old, Set.of(worker, Thread.currentThread()));

    assertEquals(new LoaderReferences.Released(1, 1), released);
    work.put(() -> {});
    Object[] after = seen.poll(10, TimeUnit.SECONDS);
    assertNotNull(after, "worker answered");
    assertNull(after[0], "the entry holding the old loader's object is emptied");
    assertEquals(Marker.class, after[1].getClass(), "other entries are kept");
    assertNull(after[2], "the context class loader no longer names the old loader");
  }

  @Test
  void leavesTheCallingThreadsContextLoaderAlone() {
    ClassLoader old = revision();
    ClassLoader mine = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(old);
    try {
      assertEquals(0, LoaderReferences.release(old, Set.of(Thread.currentThread())).contextLoaders());
      assertSame(old, Thread.currentThread().getContextClassLoader());
    } finally {
      Thread.currentThread().setContextClassLoader(mine);
    }
  }
}
