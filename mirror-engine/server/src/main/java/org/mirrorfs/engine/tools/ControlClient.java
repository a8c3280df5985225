package org.mirrorfs.engine.tools;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mirrorfs.protocol.ProtocolVersion;
import org.mirrorfs.protocol.client.EngineConnection;
import org.mirrorfs.protocol.client.Response;
import org.mirrorfs.protocol.message.ClientMessages.ErrorReply;
import org.mirrorfs.protocol.message.ConnectionKind;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusRequest;
import org.mirrorfs.protocol.message.ControlMessages.FaultRequest;
import org.mirrorfs.protocol.message.Handshake.Hello;

/** A CONTROL connection to one engine: status, and fault points on engines with test hooks. */
public final class ControlClient implements Closeable {
  private final EngineConnection connection;

  public ControlClient(InetSocketAddress address, String cluster, int shard) throws IOException {
    this.connection = EngineConnection.open(address, new Hello(ProtocolVersion.CURRENT, cluster,
        shard, ConnectionKind.CONTROL, "", "ctl-" + UUID.randomUUID()), 10_000);
  }

  public EngineStatusReply status() throws IOException {
    return (EngineStatusReply) await(connection.call(
        new EngineStatusRequest(connection.nextCallId())));
  }

  /** Sets a fault point: "hold", "release" or "delay:&lt;millis&gt;". */
  public void fault(String point, String action) throws IOException {
    Object reply = await(connection.call(new FaultRequest(connection.nextCallId(), point,
        action)));
    if (reply instanceof ErrorReply e) {
      throw new IOException("fault " + point + " " + action + " refused: " + e.message());
    }
  }

  private static Object await(java.util.concurrent.CompletableFuture<Response> f)
      throws IOException {
    try {
      return f.get(30, TimeUnit.SECONDS).reply();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("engine did not answer within 30 s");
    }
  }

  @Override
  public void close() {
    connection.close();
  }
}
