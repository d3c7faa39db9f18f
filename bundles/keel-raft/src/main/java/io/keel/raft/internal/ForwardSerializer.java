package io.keel.raft.internal;

import com.alipay.remoting.CustomSerializer;
import com.alipay.remoting.InvokeContext;
import com.alipay.remoting.rpc.RequestCommand;
import com.alipay.remoting.rpc.ResponseCommand;
import com.alipay.remoting.rpc.protocol.RpcRequestCommand;
import com.alipay.remoting.rpc.protocol.RpcResponseCommand;

/** Bolt's wire form of a {@link ForwardMessage}: its bytes as the command content, no header. */
final class ForwardSerializer implements CustomSerializer {
  static final ForwardSerializer INSTANCE = new ForwardSerializer();

  @Override
  public <T extends RequestCommand> boolean serializeHeader(T request, InvokeContext ctx) {
    return false;
  }

  @Override
  public <T extends ResponseCommand> boolean serializeHeader(T response) {
    return false;
  }

  @Override
  public <T extends RequestCommand> boolean deserializeHeader(T request) {
    return false;
  }

  @Override
  public <T extends ResponseCommand> boolean deserializeHeader(T response, InvokeContext ctx) {
    return false;
  }

  @Override
  public <T extends RequestCommand> boolean serializeContent(T request, InvokeContext ctx) {
    RpcRequestCommand cmd = (RpcRequestCommand) request;
    cmd.setContent(((ForwardMessage) cmd.getRequestObject()).data());
    return true;
  }

  @Override
  public <T extends ResponseCommand> boolean serializeContent(T response) {
    RpcResponseCommand cmd = (RpcResponseCommand) response;
    cmd.setContent(((ForwardMessage) cmd.getResponseObject()).data());
    return true;
  }

  @Override
  public <T extends RequestCommand> boolean deserializeContent(T request) {
    RpcRequestCommand cmd = (RpcRequestCommand) request;
    cmd.setRequestObject(new ForwardMessage(cmd.getContent() == null ? new byte[0] : cmd.getContent()));
    return true;
  }

  @Override
  public <T extends ResponseCommand> boolean deserializeContent(T response, InvokeContext ctx) {
    RpcResponseCommand cmd = (RpcResponseCommand) response;
    cmd.setResponseObject(new ForwardMessage(cmd.getContent() == null ? new byte[0] : cmd.getContent()));
    return true;
  }
}
