package io.keel.raft.internal;

import com.alipay.remoting.CustomSerializer;
import com.alipay.remoting.InvokeContext;
import com.alipay.remoting.exception.DeserializationException;
import com.alipay.remoting.rpc.RequestCommand;
import com.alipay.remoting.rpc.ResponseCommand;
import com.alipay.remoting.rpc.protocol.RpcRequestCommand;
import com.alipay.remoting.rpc.protocol.RpcResponseCommand;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.MessageLite;
import io.keel.raft.internal.proto.ForwardRequest;
import io.keel.raft.internal.proto.ForwardResponse;
import java.io.IOException;

/**
 * Bolt's wire form of forwarding's {@link ForwardRequest} and {@link ForwardResponse}: the
 * message's bytes as the command content, no header, so no reflection-based serializer ever sees
 * them. Parsing aliases the content array: the forwarded log entries are copied out once, by
 * {@link Forwarding}.
 */
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
    cmd.setContent(((MessageLite) cmd.getRequestObject()).toByteArray());
    return true;
  }

  @Override
  public <T extends ResponseCommand> boolean serializeContent(T response) {
    RpcResponseCommand cmd = (RpcResponseCommand) response;
    cmd.setContent(((MessageLite) cmd.getResponseObject()).toByteArray());
    return true;
  }

  @Override
  public <T extends RequestCommand> boolean deserializeContent(T request) throws DeserializationException {
    RpcRequestCommand cmd = (RpcRequestCommand) request;
    try {
      cmd.setRequestObject(ForwardRequest.parseFrom(aliased(cmd.getContent())));
    } catch (IOException e) { // InvalidProtocolBufferException: reading an array does no I/O
      throw new DeserializationException("malformed forwarded request: " + e.getMessage(), e);
    }
    return true;
  }

  @Override
  public <T extends ResponseCommand> boolean deserializeContent(T response, InvokeContext ctx)
      throws DeserializationException {
    RpcResponseCommand cmd = (RpcResponseCommand) response;
    try {
      cmd.setResponseObject(ForwardResponse.parseFrom(aliased(cmd.getContent())));
    } catch (IOException e) { // InvalidProtocolBufferException: reading an array does no I/O
      throw new DeserializationException("malformed forwarded response: " + e.getMessage(), e);
    }
    return true;
  }

  private static CodedInputStream aliased(byte[] content) {
    CodedInputStream in = CodedInputStream.newInstance(content == null ? new byte[0] : content);
    in.enableAliasing(true);
    return in;
  }
}
