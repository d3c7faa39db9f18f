package io.keel.raft.internal;

import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.RpcRequests.ReadIndexRequest;
import com.alipay.sofa.jraft.rpc.impl.ConnectionClosedEventListener;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/** Ways to change how the processors registered on a peer-port server run, without touching jraft. */
public final class RpcServers {
  private static final Executor IN_IO_THREAD = Runnable::run;

  private RpcServers() {}

  /**
   * A follower's ReadIndex request runs on bolt's I/O thread instead of bolt's default executor:
   * the leader only queues it (jraft's ReadOnlyService, non-blocking), so the hand-off to another
   * thread cost every linearizable read served by a follower one wake-up and nothing else.
   */
  public static RpcServer readIndexInIoThread(RpcServer server) {
    String readIndex = ReadIndexRequest.class.getName();
    return mapProcessors(server, p -> !readIndex.equals(p.interest()) ? p : delegate(p, IN_IO_THREAD));
  }

  /**
   * Every request arriving on {@code server} is shown to {@code traffic} first (it names the
   * connection's sender from the request, once per connection), then handled as registered.
   */
  public static RpcServer notingSenders(RpcServer server, io.keel.raft.internal.metrics.PeerTraffic traffic) {
    return mapProcessors(server, p -> noting(p, traffic));
  }

  private static <T> RpcProcessor<T> noting(RpcProcessor<T> processor, io.keel.raft.internal.metrics.PeerTraffic traffic) {
    return filter(processor, null, (ctx, request) -> {
      traffic.request(ctx.getRemoteAddress(), request);
      processor.handleRequest(ctx, request);
    });
  }

  /** {@code server} registering {@code map(p)} for each processor {@code p} registered on it. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static RpcServer mapProcessors(RpcServer server, UnaryOperator<RpcProcessor<?>> map) {
    return new RpcServer() {
      @Override
      public boolean init(Void opts) {
        return server.init(opts);
      }

      @Override
      public void shutdown() {
        server.shutdown();
      }

      @Override
      public void registerConnectionClosedEventListener(ConnectionClosedEventListener l) {
        server.registerConnectionClosedEventListener(l);
      }

      @Override
      public void registerProcessor(RpcProcessor<?> processor) {
        server.registerProcessor((RpcProcessor) map.apply(processor));
      }

      @Override
      public int boundPort() {
        return server.boundPort();
      }

      @Override
      public boolean isStarted() {
        return server.isStarted();
      }
    };
  }

  /** {@code processor} run on {@code executor}. */
  static <T> RpcProcessor<T> delegate(RpcProcessor<T> processor, Executor executor) {
    return filter(processor, executor, processor::handleRequest);
  }

  /** {@code processor} handling requests through {@code handle}, run on {@code executor} (null: as it was). */
  static <T> RpcProcessor<T> filter(RpcProcessor<T> processor, Executor executor, BiConsumer<RpcContext, T> handle) {
    return new RpcProcessor<>() {
      @Override
      public void handleRequest(RpcContext ctx, T request) {
        handle.accept(ctx, request);
      }

      @Override
      public String interest() {
        return processor.interest();
      }

      @Override
      public Executor executor() {
        return executor != null ? executor : processor.executor();
      }

      @Override
      public ExecutorSelector executorSelector() {
        return processor.executorSelector();
      }
    };
  }
}
