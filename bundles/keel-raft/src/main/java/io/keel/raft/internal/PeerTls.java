package io.keel.raft.internal;

import com.alipay.remoting.ExtendedNettyChannelHandler;
import com.alipay.remoting.config.BoltGenericOption;
import com.alipay.remoting.config.Configuration;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.impl.AbstractClientService;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcClient;
import io.keel.api.config.KeelConfig;
import io.keel.raft.internal.metrics.PeerTraffic;
import io.keel.tls.TlsContext;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS on the peer port (jraft's bolt RPC) from keel-tls, instead of bolt's own SSL (JVM-wide
 * system properties, a keystore file read once, no CRL): bolt lets each server and client add
 * Netty handlers in front of its codec on every new connection ({@code
 * EXTENDED_NETTY_CHANNEL_HANDLER}, read per connection), so each connection gets an SslHandler over
 * a fresh engine from the peer {@link TlsContext}, which re-reads rotated files and checks
 * peer-client-cert-auth, peer-crl-file, peer-cert-allowed-cn/-hostname. Dialing, the engine is
 * made at connect time for the peer's host, whose name the peer's certificate must carry.
 *
 * <p>Peer TLS is on when the member's listen-peer-urls are https://; its peer clients then speak
 * TLS to every peer.
 */
public final class PeerTls {
  private static final Logger LOG = LoggerFactory.getLogger(PeerTls.class);
  private final TlsContext tls;

  private PeerTls(TlsContext tls) {
    this.tls = tls;
  }

  /** The peer port's TLS, or null when its URLs are http:// (the peer-* files are then ignored, as etcd warns). */
  public static PeerTls open(KeelConfig config) {
    boolean https = config.listenPeerUrls().stream().anyMatch(u -> "https".equals(u.getScheme()));
    if (!https) {
      if (!config.peerTls().empty() || config.peerTls().clientCertAuth()) {
        for (URI u : config.listenPeerUrls()) {
          LOG.warn("scheme is HTTP while peer key/cert files or --peer-client-cert-auth are present; ignoring them "
              + "peer-url={}", u);
        }
      }
      return null;
    }
    return new PeerTls(TlsContext.open("peer", config.peerTls(), config.dataDir(), config.listenPeerUrls()));
  }

  /**
   * Installs the handlers of every connection the bolt server behind a peer port accepts: TLS only
   * when {@code tls} is not null, and {@code traffic}'s byte counter (after TLS) when not null.
   */
  public static void serve(Configuration boltServer, PeerTls tls, PeerTraffic traffic) {
    install(boltServer, List::of, () -> {
      List<ChannelHandler> handlers = new ArrayList<>(2);
      if (tls != null) {
        handlers.add(new SslHandler(tls.tls.serverEngine()));
      }
      if (traffic != null) {
        handlers.add(traffic.counter());
      }
      return handlers;
    });
  }

  /** As {@link #serve}, for the connections a jraft RPC client dials from now on (TLS to the dialed host). */
  public static void dial(RpcClient client, PeerTls tls, PeerTraffic traffic) {
    dial(client, tls, traffic, false);
  }

  private static void dial(RpcClient client, PeerTls tls, PeerTraffic traffic, boolean appends) {
    if (!(client instanceof BoltRpcClient bolt)) {
      throw new IllegalStateException("the peer port needs jraft's bolt RPC, not " + client.getClass().getName());
    }
    install(bolt.getRpcClient(), () -> appends && traffic != null ? List.of(traffic.appendWatcher()) : List.of(), () -> {
      List<ChannelHandler> handlers = new ArrayList<>(2);
      if (tls != null) {
        handlers.add(new Connector(tls.tls));
      }
      if (traffic != null) {
        handlers.add(traffic.counter());
      }
      return handlers;
    });
  }

  /** The raft node's own peer client: the replicators', votes', heartbeats'; its appends are counted too. */
  public static void dial(Node node, PeerTls tls, PeerTraffic traffic) {
    dial(((AbstractClientService) ((NodeImpl) node).getRpcService()).getRpcClient(), tls, traffic, true);
  }

  /**
   * bolt asks for the handlers once per new connection, so each gets its own: the front ones next to
   * the socket (bytes), the back ones behind bolt's codec (its commands, before they are encoded).
   */
  private static void install(Configuration bolt, Supplier<List<ChannelHandler>> back,
      Supplier<List<ChannelHandler>> front) {
    bolt.option(BoltGenericOption.EXTENDED_NETTY_CHANNEL_HANDLER, new ExtendedNettyChannelHandler() {
      @Override
      public List<ChannelHandler> frontChannelHandlers() {
        return front.get();
      }

      @Override
      public List<ChannelHandler> backChannelHandlers() {
        return back.get();
      }
    });
  }

  /** Puts an SslHandler for the dialed host in place when the connection is made, then leaves. */
  private static final class Connector extends ChannelOutboundHandlerAdapter {
    private final TlsContext tls;

    Connector(TlsContext tls) {
      this.tls = tls;
    }

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remote, SocketAddress local, ChannelPromise promise)
        throws Exception {
      InetSocketAddress peer = (InetSocketAddress) remote;
      ctx.pipeline().addAfter(ctx.name(), null, new SslHandler(tls.clientEngine(peer.getHostString(), peer.getPort())));
      ctx.pipeline().remove(this);
      ctx.connect(remote, local, promise);
    }
  }
}
