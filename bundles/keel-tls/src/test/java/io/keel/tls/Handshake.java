package io.keel.tls;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/** Runs a TLS handshake between two engines in memory (no sockets): the unit tests' wire. */
final class Handshake {
  private Handshake() {}

  /** Handshakes, then sends one application byte each way; throws the first side's SSLException. */
  static void run(SSLEngine client, SSLEngine server) throws SSLException {
    int size = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize()) * 4;
    ByteBuffer c2s = ByteBuffer.allocate(size);
    ByteBuffer s2c = ByteBuffer.allocate(size);
    ByteBuffer app = ByteBuffer.allocate(size);
    client.beginHandshake();
    server.beginHandshake();
    for (int i = 0; i < 200; i++) {
      step(client, s2c, c2s, app);
      step(server, c2s, s2c, app);
      if (done(client) && done(server) && c2s.position() == 0 && s2c.position() == 0) {
        return;
      }
    }
    throw new SSLException("handshake did not finish");
  }

  private static boolean done(SSLEngine e) {
    SSLEngineResult.HandshakeStatus s = e.getHandshakeStatus();
    return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || s == SSLEngineResult.HandshakeStatus.FINISHED;
  }

  /** Reads what the other side sent, runs tasks, writes what this side has to send. */
  private static void step(SSLEngine e, ByteBuffer in, ByteBuffer out, ByteBuffer app) throws SSLException {
    in.flip();
    try {
      while (in.hasRemaining()) {
        SSLEngineResult r = e.unwrap(in, app);
        runTasks(e);
        if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
          break;
        }
      }
    } finally {
      in.compact();
    }
    app.clear();
    for (int i = 0; i < 10; i++) {
      SSLEngineResult r = e.wrap(ByteBuffer.allocate(0), out);
      runTasks(e);
      if (r.bytesProduced() == 0) {
        break;
      }
    }
  }

  private static void runTasks(SSLEngine e) {
    Runnable t;
    while ((t = e.getDelegatedTask()) != null) {
      t.run();
    }
  }
}
