package org.mirrorfs.engine.tools;

import org.mirrorfs.protocol.message.ControlMessages.HandoverRequest;
import org.mirrorfs.protocol.message.ControlMessages.PromoteRequest;
import org.mirrorfs.protocol.message.ControlMessages.RoleReply;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
import org.mirrorfs.protocol.message.ControlMessages.ManifestPage;
import org.mirrorfs.protocol.message.ControlMessages.ManifestRequest;
import org.mirrorfs.protocol.message.ControlMessages.UsageReply;
import org.mirrorfs.protocol.message.ControlMessages.UsageRequest;
import org.mirrorfs.protocol.message.ControlMessages.ManifestResume;
import org.mirrorfs.protocol.message.Handshake.Hello;

/**
 * A CONTROL connection to one engine: status, pages of its store manifest, and fault points on
 * engines with test hooks.
 */
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

  /**
   * Asks for one page of the engine's store manifest without waiting for it; the future fails
   * with an IOException naming the site if the engine refuses or cannot read its store.
   */
  public CompletableFuture<ManifestPage> manifestPage(String root, String startAfter,
      ManifestResume resume, int maxEntries, int maxMillis) {
    String site = site();
    return connection.call(new ManifestRequest(connection.nextCallId(), root, startAfter, resume,
        maxEntries, maxMillis)).thenApply(response -> {
          Object reply = response.reply();
          if (reply instanceof ManifestPage page) {
            return page;
          }
          if (reply instanceof ErrorReply e) {
            throw new CompletionException(new IOException(e.message()));
          }
          throw new CompletionException(new IOException("site " + site
              + " answered a manifest request with " + reply.getClass().getSimpleName()));
        });
  }

  /** The engine's usage intervals of {@code tenant} ("" for all) overlapping [from, to). */
  public UsageReply usage(String tenant, long fromMillis, long toMillis) throws IOException {
    Object reply = await(connection.call(new UsageRequest(connection.nextCallId(), tenant,
        fromMillis, toMillis)));
    if (reply instanceof UsageReply u) {
      return u;
    }
    if (reply instanceof ErrorReply e) {
      throw new IOException(e.message());
    }
    throw new IOException("site " + site() + " answered a usage request with "
        + reply.getClass().getSimpleName());
  }

  /** Asks a primary to hand its role over (ctl failover); waits up to the timeout and more. */
  public RoleReply handover(long timeoutMillis) throws IOException {
    return roleReply(await(connection.call(new HandoverRequest(connection.nextCallId(),
        timeoutMillis)).thenApply(Response::reply), timeoutMillis / 1000 + 30));
  }

  /** Asks an engine to promote itself while no primary is registered. */
  public RoleReply promote(boolean force) throws IOException {
    return roleReply(await(connection.call(new PromoteRequest(connection.nextCallId(), force))
        .thenApply(Response::reply), 60));
  }

  private RoleReply roleReply(Object reply) throws IOException {
    if (reply instanceof RoleReply r) {
      return r;
    }
    throw new IOException("site " + site() + " answered with " + reply.getClass().getSimpleName()
        + (reply instanceof ErrorReply e ? ": " + e.message() : ""));
  }

  /** The site of the engine at the other end, from its handshake. */
  public String site() {
    return connection.hello().site();
  }

  /** Waits for a future of this client, naming the site in a timeout. */
  public <T> T await(CompletableFuture<T> f, long seconds) throws IOException {
    try {
      return f.get(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new IOException("engine of site " + site() + " did not answer within " + seconds
          + " s");
    }
  }

  private static Object await(CompletableFuture<Response> f) throws IOException {
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
