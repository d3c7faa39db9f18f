package io.keel.grpc.internal.gateway;

import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelPipeline;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpMessage;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMessage;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpObjectAggregator;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;

/**
 * Collects a whole request body, up to a limit; a larger request is answered as etcd answers a
 * request over its size limit ({@code 400, code 3, "etcdserver: request is too large"}) instead of
 * netty's bare 413. A client waiting for {@code 100 Continue} gets that answer straight away.
 */
final class RequestAggregator extends HttpObjectAggregator {
  static final Status TOO_LARGE = Status.INVALID_ARGUMENT.withDescription("etcdserver: request is too large");

  RequestAggregator(int maxContentLength) {
    super(maxContentLength);
  }

  @Override
  protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    if (HttpUtil.is100ContinueExpected(start) && HttpUtil.getContentLength(start, -1L) > maxContentLength) {
      return null; // answered by handleOversizedMessage
    }
    return super.newContinueResponse(start, maxContentLength, pipeline);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    var response = HttpResponses.grpcError(TOO_LARGE);
    // once the client is sending the body the connection cannot be reused; if it waits for
    // 100 Continue or will send the next request after the body, it can
    boolean close = oversized instanceof FullHttpMessage
        || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized);
    if (close) {
      HttpUtil.setKeepAlive(response, false);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
  }
}
