package io.keel.raft.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.ConnectionClosedEventListener;
import com.alipay.sofa.jraft.rpc.impl.core.AppendEntriesRequestProcessor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RpcServersTest {
  private final List<String> calls = new ArrayList<>();

  /** A server that only records what is done to it. */
  private final RpcServer recording = new RpcServer() {
    @Override
    public boolean init(Void opts) {
      return true;
    }

    @Override
    public void shutdown() {
      calls.add("server shutdown");
    }

    @Override
    public void registerConnectionClosedEventListener(ConnectionClosedEventListener l) {}

    @Override
    public void registerProcessor(RpcProcessor<?> processor) {
      calls.add("register " + processor.interest().substring(processor.interest().lastIndexOf('$') + 1));
    }

    @Override
    public int boundPort() {
      return 0;
    }

    @Override
    public boolean isStarted() {
      return true;
    }
  };

  @Test
  void shuttingDownEndsTheAppendEntriesThreadsAfterTheServerStopped() {
    RpcServer server = RpcServers.endingAppendThreads(recording);
    AppendEntriesRequestProcessor append = new AppendEntriesRequestProcessor(Runnable::run) {
      @Override
      public void destroy() {
        calls.add("append threads ended");
        super.destroy();
      }
    };
    server.registerProcessor(append);
    assertEquals(List.of("register AppendEntriesRequest"), calls);

    server.shutdown();
    assertEquals(List.of("register AppendEntriesRequest", "server shutdown", "append threads ended"), calls);
  }
}
