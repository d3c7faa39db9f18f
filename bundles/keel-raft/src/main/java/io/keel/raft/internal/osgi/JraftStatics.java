package io.keel.raft.internal.osgi;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the thread pools SOFAJRaft keeps in static fields end their threads when this bundle stops
 * (bundle:update, bundle:refresh, feature:uninstall), after Declarative Services has closed the
 * member. jraft 1.4.1 gives them no shutdown: its group executor ({@code ThreadPoolsFactory}'s
 * global pool and the per-group ones, threads {@code JRaft-Group-Default-Executor-*}) keeps its
 * core threads forever, so every update of this bundle would leave them behind, and with them the
 * old revision's class loader. The pools are not shut down, only told to let idle core threads
 * end within a second: a bundle:restart keeps this class loader and its pools, which must still
 * work. Reached by reflection because jraft keeps them private; if a jraft version moves them, one
 * WARN line says so and nothing else changes.
 */
public final class JraftStatics implements BundleActivator {
  private static final Logger LOG = LoggerFactory.getLogger(JraftStatics.class);
  private static final String FACTORY = "com.alipay.sofa.jraft.util.ThreadPoolsFactory";

  @Override
  public void start(BundleContext context) {
    // nothing: jraft creates its pools on first use
  }

  @Override
  public void stop(BundleContext context) {
    ClassLoader loader = JraftStatics.class.getClassLoader();
    try {
      Class<?> holder = Class.forName(FACTORY + "$GlobalThreadPoolHolder", false, loader);
      Field instance = holder.getDeclaredField("INSTANCE");
      instance.setAccessible(true);
      stopPool("global", (ThreadPoolExecutor) instance.get(null));
      Field pools = Class.forName(FACTORY, false, loader).getDeclaredField("GROUP_THREAD_POOLS");
      pools.setAccessible(true);
      for (Map.Entry<?, ?> e : ((Map<?, ?>) pools.get(null)).entrySet()) {
        stopPool(String.valueOf(e.getKey()), (ThreadPoolExecutor) e.getValue());
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("cannot stop jraft's static thread pools, their threads outlive this bundle: {}", e.toString());
    }
  }

  private static void stopPool(String name, ThreadPoolExecutor pool) {
    pool.setKeepAliveTime(1, TimeUnit.SECONDS);
    pool.allowCoreThreadTimeOut(true);
    LOG.debug("jraft thread pool {} lets its idle threads end", name);
  }
}
