package io.keel.grpc.internal;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.keel.api.metrics.MetricSink;
import io.keel.api.metrics.MetricSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * etcd's gRPC server metrics (go-grpc-prometheus, which etcd registers): grpc_server_started_total,
 * _handled_total, _msg_received_total and _msg_sent_total with the labels grpc_service, grpc_method,
 * grpc_type and (handled) grpc_code. Every method is reported from zero, each code included, as
 * go-grpc-prometheus pre-registers them. Counting is a map lookup and adder increments per call.
 *
 * <p>Also etcd's etcd_network_client_grpc_sent_bytes_total and _received_bytes_total: etcd counts the
 * protobuf bytes its codec marshals and unmarshals, which are gRPC's uncompressed message sizes, as
 * its framer and deframer report them to {@link #bytes}' tracer (one shared tracer, no per-call
 * allocation).
 */
public final class GrpcMetrics implements ServerInterceptor, MetricSource {
  private static final Status.Code[] CODES = Status.Code.values();

  private static final class Method {
    final String service;
    final String name;
    final String type;
    final LongAdder started = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder[] handled = new LongAdder[CODES.length];

    Method(MethodDescriptor<?, ?> d) {
      String full = d.getFullMethodName();
      int slash = full.lastIndexOf('/');
      this.service = full.substring(0, slash);
      this.name = full.substring(slash + 1);
      this.type = switch (d.getType()) {
        case UNARY -> "unary";
        case CLIENT_STREAMING -> "client_stream";
        case SERVER_STREAMING -> "server_stream";
        default -> "bidi_stream";
      };
      for (int i = 0; i < handled.length; i++) {
        handled[i] = new LongAdder();
      }
    }
  }

  private final Map<String, Method> methods = new ConcurrentHashMap<>();
  private final LongAdder sentBytes = new LongAdder();
  private final LongAdder receivedBytes = new LongAdder();
  private final ServerStreamTracer messageBytes = new ServerStreamTracer() {
    @Override
    public void outboundUncompressedSize(long bytes) {
      sentBytes.add(bytes);
    }

    @Override
    public void inboundUncompressedSize(long bytes) {
      receivedBytes.add(bytes);
    }
  };

  /** Counts the bytes of every message the server sends and receives (add it to the server builder). */
  public ServerStreamTracer.Factory bytes() {
    return new ServerStreamTracer.Factory() {
      @Override
      public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        return messageBytes;
      }
    };
  }

  /** Reports {@code service}'s methods from zero before any call. */
  public void preRegister(ServerServiceDefinition service) {
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      method(m.getMethodDescriptor());
    }
  }

  private Method method(MethodDescriptor<?, ?> d) {
    Method m = methods.get(d.getFullMethodName());
    return m != null ? m : methods.computeIfAbsent(d.getFullMethodName(), k -> new Method(d));
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Method m = method(call.getMethodDescriptor());
    m.started.increment();
    ServerCall<Q, R> counted = new SimpleForwardingServerCall<>(call) {
      @Override
      public void sendMessage(R message) {
        m.sent.increment();
        super.sendMessage(message);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        m.handled[status.getCode().ordinal()].increment();
        super.close(status, trailers);
      }
    };
    return new SimpleForwardingServerCallListener<>(next.startCall(counted, headers)) {
      @Override
      public void onMessage(Q message) {
        m.received.increment();
        super.onMessage(message);
      }
    };
  }

  @Override
  public void collect(MetricSink s) {
    s.counter("etcd_network_client_grpc_sent_bytes_total", "The total number of bytes sent to grpc clients.",
        sentBytes.sum());
    s.counter("etcd_network_client_grpc_received_bytes_total", "The total number of bytes received from grpc clients.",
        receivedBytes.sum());
    for (Method m : methods.values()) {
      String[] labels = {"grpc_method", m.name, "grpc_service", m.service, "grpc_type", m.type};
      s.counter("grpc_server_started_total", "Total number of RPCs started on the server.", m.started.sum(), labels);
      s.counter("grpc_server_msg_received_total", "Total number of RPC stream messages received on the server.",
          m.received.sum(), labels);
      s.counter("grpc_server_msg_sent_total", "Total number of gRPC stream messages sent by the server.",
          m.sent.sum(), labels);
      for (Status.Code code : CODES) {
        s.counter("grpc_server_handled_total",
            "Total number of RPCs completed on the server, regardless of success or failure.",
            m.handled[code.ordinal()].sum(), "grpc_code", goName(code), "grpc_method", m.name, "grpc_service",
            m.service, "grpc_type", m.type);
      }
    }
  }

  /** grpc-go's codes.Code.String(): OK, Canceled, Unknown, InvalidArgument ... */
  static String goName(Status.Code code) {
    if (code == Status.Code.OK) {
      return "OK";
    }
    if (code == Status.Code.CANCELLED) {
      return "Canceled";
    }
    StringBuilder sb = new StringBuilder();
    for (String part : code.name().split("_")) {
      sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return sb.toString();
  }
}
