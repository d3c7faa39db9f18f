package io.keel.raft.internal;

import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.RpcRequests.ReadIndexRequest;
import com.alipay.sofa.jraft.rpc.impl.ConnectionClosedEventListener;
import com.alipay.sofa.jraft.rpc.impl.core.AppendEntriesRequestProcessor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

  /**
   * {@code server} that, once shut down, also ends the per-leader threads of the AppendEntries
   * processors registered on it. jraft starts one such thread for each leader that replicates here
   * and ends it only when that leader's connection reports its closing; the close events of a
   * stopping server may never be handled (its event executor ends with it), and each thread left
   * running kept its revision of this bundle loaded after {@code bundle:update io.keel.raft}.
   */
  public static RpcServer endingAppendThreads(RpcServer server) {
    List<AppendEntriesRequestProcessor> appends = new CopyOnWriteArrayList<>();
    return new Delegating(server) {
      @Override
      public void registerProcessor(RpcProcessor<?> processor) {
        if (processor instanceof AppendEntriesRequestProcessor append) {
          appends.add(append);
        }
        super.registerProcessor(processor);
      }

      @Override
      public void shutdown() {
        try {
          super.shutdown();
        } finally {
          appends.forEach(AppendEntriesRequestProcessor::destroy);
        }
      }
    };
  }

  /** {@code server} registering {@code map(p)} for each processor {@code p} registered on it. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static RpcServer mapProcessors(RpcServer server, UnaryOperator<RpcProcessor<?>> map) {
    return new Delegating(server) {
      @Override
      public void registerProcessor(RpcProcessor<?> processor) {
        super.registerProcessor((RpcProcessor) map.apply(processor));
      }
    };
  }

  /** An {@link RpcServer} passing every call to {@code server}, for wrappers to override one or two. */
  private static class Delegating implements RpcServer {
    private final RpcServer server;

    Delegating(RpcServer server) {
      this.server = server;
    }

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
      server.registerProcessor(processor);
    }

    @Override
    public int boundPort() {
      return server.boundPort();
    }

    @Override
    public boolean isStarted() {
      return server.isStarted();
    }
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
