package io.keel.raft.internal;

import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcClient;
import java.lang.reflect.Field;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the thread bolt gives each of its servers and clients for connection events ({@code
 * Bolt-conn-event-executor-*}): bolt starts it at the first connection and never shuts it down, so
 * every closed member left one per server and client behind, and with it (its context class loader)
 * the whole revision of this bundle after a bundle:update. Reached by reflection because bolt keeps
 * it private; if a version moves it, one WARN line says so and nothing else changes.
 */
public final class BoltThreads {
  private static final Logger LOG = LoggerFactory.getLogger(BoltThreads.class);

  private BoltThreads() {}

  /** After {@code server} is shut down. */
  public static void endConnectionEvents(com.alipay.remoting.rpc.RpcServer server) {
    if (server != null) {
      endConnectionEventsOf(server);
    }
  }

  /** After {@code client} is shut down. */
  public static void endConnectionEvents(RpcClient client) {
    if (client instanceof BoltRpcClient bolt) {
      endConnectionEventsOf(bolt.getRpcClient());
    }
  }

  private static void endConnectionEventsOf(Object remoting) {
    try {
      Object handler = field(remoting, "connectionEventHandler");
      Object executor = handler == null ? null : field(handler, "eventExecutor");
      Object pool = executor == null ? null : field(executor, "executor");
      if (pool instanceof ExecutorService service) {
        service.shutdown();
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("cannot end bolt's connection event thread, it outlives the member: {}", e.toString());
    }
  }

  /** The value of the field {@code name} declared by {@code target}'s class or a superclass. */
  static Object field(Object target, String name) throws ReflectiveOperationException {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
      } catch (NoSuchFieldException e) {
        // declared higher up
      }
    }
    throw new NoSuchFieldException(target.getClass().getName() + "." + name);
  }
}
