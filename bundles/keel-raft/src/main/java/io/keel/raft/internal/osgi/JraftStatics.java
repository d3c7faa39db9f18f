package io.keel.raft.internal.osgi;

import com.alipay.remoting.Protocol;
import com.alipay.remoting.ProtocolCode;
import com.alipay.remoting.ProtocolManager;
import com.alipay.remoting.rpc.protocol.RpcProtocol;
import com.alipay.remoting.rpc.protocol.RpcProtocolV2;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.Timer;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the threads SOFAJRaft and bolt keep in static fields once this bundle's class loader is
 * done with (bundle:update, bundle:refresh, feature:uninstall), after Declarative Services has
 * closed the member. Neither library gives them a shutdown, and each revision of this bundle has
 * its own copy of them: without this every update would leave behind jraft's group executors
 * ({@code JRaft-Group-Default-Executor-*}), bolt's server and client Netty workers ({@code
 * Rpc-netty-server-worker-*}, {@code bolt-netty-client-worker-*}), bolt's timer ({@code
 * DefaultTimer10-*}) and bolt's protocols' default executors ({@code Bolt-default-executor-*}), and
 * with them the old revision's classes.
 *
 * <p>A stop alone does not say whether the class loader goes: bundle:restart keeps it, and its
 * statics must still work on the next start. So on stop jraft's pools only let idle threads end,
 * and the rest waits for the framework to report this revision updated, unresolved or
 * uninstalled; a start in the same class loader cancels that wait. Reached by reflection because
 * the libraries keep these private; if a version moves one, one WARN line says so and nothing
 * else changes.
 *
 * <p>Netty ends an event loop group on its {@link GlobalEventExecutor}, whose thread it starts on
 * demand: if that code first runs after the framework has discarded this revision's wiring, the
 * classes it needs can no longer be loaded, Netty logs the NoClassDefFoundError, and the log
 * service's buffer of recent entries then holds the whole old revision through that error's stack
 * trace. So start runs one empty task there, which loads them while they can be.
 */
public final class JraftStatics implements BundleActivator {
  private static final Logger LOG = LoggerFactory.getLogger(JraftStatics.class);
  private static final String FACTORY = "com.alipay.sofa.jraft.util.ThreadPoolsFactory";
  private static final int ENDS_REVISION = BundleEvent.UPDATED | BundleEvent.UNRESOLVED | BundleEvent.UNINSTALLED;

  /** The release waiting for this revision's end, between a stop and the next start (or that end). */
  private static volatile Release pending;

  @Override
  public void start(BundleContext context) {
    GlobalEventExecutor.INSTANCE.execute(() -> { });
    Release waiting = pending;
    if (waiting != null) {
      waiting.cancel(); // restarted in the same class loader: its statics stay in use
    }
  }

  @Override
  public void stop(BundleContext context) {
    jraftPools(pool -> {
      pool.setKeepAliveTime(1, TimeUnit.SECONDS);
      pool.allowCoreThreadTimeOut(true);
    });
    BundleContext framework = context.getBundle(0).getBundleContext();
    Release release = new Release(framework, context.getBundle().getBundleId());
    pending = release;
    framework.addBundleListener(release);
  }

  /** Listens, on the framework's context, for the end of this bundle's current revision. */
  private static final class Release implements BundleListener {
    private final BundleContext framework;
    private final long bundleId;

    Release(BundleContext framework, long bundleId) {
      this.framework = framework;
      this.bundleId = bundleId;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
      if (event.getBundle().getBundleId() == bundleId && (event.getType() & ENDS_REVISION) != 0 && cancel()) {
        releaseStatics();
      }
    }

    /** Stops listening; false if this release was already cancelled or done. */
    synchronized boolean cancel() {
      if (pending != this) {
        return false;
      }
      pending = null;
      try {
        framework.removeBundleListener(this);
      } catch (IllegalStateException frameworkStopping) {
        // the framework is going away, and its listeners with it
      }
      return true;
    }
  }

  private static void releaseStatics() {
    jraftPools(ThreadPoolExecutor::shutdown);
    try {
      ClassLoader loader = JraftStatics.class.getClassLoader();
      ((EventLoopGroup) staticField(loader, "com.alipay.remoting.rpc.RpcServer", "workerGroup"))
          .shutdownGracefully(0, 1, TimeUnit.SECONDS);
      ((EventLoopGroup) staticField(loader, "com.alipay.remoting.connection.AbstractConnectionFactory", "workerGroup"))
          .shutdownGracefully(0, 1, TimeUnit.SECONDS);
      ((Timer) staticField(loader, "com.alipay.remoting.TimerHolder$DefaultInstance", "INSTANCE")).stop();
      // each protocol's default executor (Bolt-default-executor-*, 20 core threads that never time out)
      for (byte code : new byte[] {RpcProtocol.PROTOCOL_CODE, RpcProtocolV2.PROTOCOL_CODE}) {
        Protocol protocol = ProtocolManager.getProtocol(ProtocolCode.fromBytes(code));
        ExecutorService executor = protocol == null || protocol.getCommandHandler() == null ? null
            : protocol.getCommandHandler().getDefaultExecutor();
        if (executor != null) {
          executor.shutdown();
        }
      }
      LOG.debug("bolt's static Netty workers, timer and default executors of the old revision stopped");
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("cannot stop bolt's static Netty workers and timer, their threads outlive this bundle: {}", e.toString());
    }
  }

  private static void jraftPools(java.util.function.Consumer<ThreadPoolExecutor> action) {
    ClassLoader loader = JraftStatics.class.getClassLoader();
    try {
      action.accept((ThreadPoolExecutor) staticField(loader, FACTORY + "$GlobalThreadPoolHolder", "INSTANCE"));
      for (Object pool : ((Map<?, ?>) staticField(loader, FACTORY, "GROUP_THREAD_POOLS")).values()) {
        action.accept((ThreadPoolExecutor) pool);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("cannot reach jraft's static thread pools, their threads outlive this bundle: {}", e.toString());
    }
  }

  private static Object staticField(ClassLoader loader, String className, String name) throws ReflectiveOperationException {
    Field field = Class.forName(className, false, loader).getDeclaredField(name);
    field.setAccessible(true);
    return field.get(null);
  }
}
