package org.mirrorfs.engine.net;

import org.mirrorfs.protocol.message.ControlMessages.HandoverRequest;
import org.mirrorfs.protocol.message.ControlMessages.PromoteRequest;
import java.io.IOException;
import java.util.function.LongFunction;
import java.util.ArrayList;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.engine.metering.IntervalUsage;
import org.mirrorfs.engine.metering.Usage;
import org.mirrorfs.engine.metering.UsageMeter;
import org.mirrorfs.engine.store.BackingStore;
import org.mirrorfs.engine.store.StoreManifest;
import org.mirrorfs.protocol.ProtocolException;
import org.mirrorfs.protocol.frame.Frame;
import org.mirrorfs.protocol.frame.FrameChannel;
import org.mirrorfs.protocol.message.ClientMessages.ErrorReply;
import org.mirrorfs.protocol.message.ClientMessages.OkReply;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusRequest;
import org.mirrorfs.protocol.message.ControlMessages.FaultRequest;
import org.mirrorfs.protocol.message.ControlMessages.ManifestRequest;
import org.mirrorfs.protocol.message.ControlMessages.UsageInterval;
import org.mirrorfs.protocol.message.ControlMessages.UsageReply;
import org.mirrorfs.protocol.message.ControlMessages.UsageRequest;
import org.mirrorfs.protocol.message.ErrorKind;
import org.mirrorfs.protocol.message.Message;
import org.mirrorfs.protocol.message.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator tool's (or test harness's) connection: status, manifest pages of this site's
 * backing store (ctl verify), and fault points when enabled.
 */
final class ControlSession {
  private static final Logger LOG = LoggerFactory.getLogger(ControlSession.class);

  private final FrameChannel channel;
  private final int shard;
  private final long epoch;
  private final LongFunction<Reply> status;
  private final FaultPoints faults;
  private final BackingStore store;
  private final String site;
  private final UsageMeter meter;
  /** Made on the first manifest request: most control connections only ask for status. */
  private StoreManifest manifest;

  private final RoleControl roles;

  ControlSession(FrameChannel channel, int shard, long epoch, LongFunction<Reply> status,
      FaultPoints faults, BackingStore store, String site, UsageMeter meter, RoleControl roles) {
    this.roles = roles;
    this.meter = meter;
    this.channel = channel;
    this.shard = shard;
    this.epoch = epoch;
    this.status = status;
    this.faults = faults;
    this.store = store;
    this.site = site;
  }

  void run() throws IOException {
    while (true) {
      Frame frame = channel.read((m, n) -> {
        throw new ProtocolException("control messages carry no payload");
      });
      Message m = frame.message();
      Reply reply;
      if (m instanceof EngineStatusRequest r) {
        reply = status.apply(r.callId());
      } else if (m instanceof FaultRequest r) {
        try {
          faults.set(r.point(), r.action());
          reply = new OkReply(r.callId());
        } catch (IllegalArgumentException | IllegalStateException e) {
          reply = new ErrorReply(r.callId(), ErrorKind.INVALID_ARGUMENT, e.getMessage());
        }
      } else if (m instanceof ManifestRequest r) {
        reply = manifestPage(r);
      } else if (m instanceof UsageRequest r) {
        reply = usage(r);
      } else if (m instanceof HandoverRequest r) {
        LOG.warn("Site {}: handover requested by {}", site, channel.remote());
        reply = roles.handover(r.callId(), r.timeoutMillis());
      } else if (m instanceof PromoteRequest r) {
        LOG.warn("Site {}: promotion{} requested by {}", site, r.force() ? " (forced)" : "",
            channel.remote());
        reply = roles.promote(r.callId(), r.force());
      } else {
        throw new ProtocolException("unexpected " + m.getClass().getSimpleName()
            + " on a control connection");
      }
      channel.write(shard, epoch, reply);
    }
  }

  private Reply usage(UsageRequest r) {
    if (r.fromMillis() > r.toMillis()) {
      return new ErrorReply(r.callId(), ErrorKind.INVALID_ARGUMENT, "site " + site
          + ": usage from " + r.fromMillis() + " is after to " + r.toMillis());
    }
    ArrayList<UsageInterval> out = new ArrayList<>();
    for (IntervalUsage i : meter.usage(r.tenant().isEmpty() ? null : r.tenant(), r.fromMillis(),
        r.toMillis())) {
      Usage u = i.usage();
      out.add(new UsageInterval(i.tenant(), i.startMillis(), i.endMillis(), u.receivedBytes(),
          u.destagedBytes(), u.operations(), u.cacheByteMillis(), i.storedBytes(),
          u.resyncBytesReceived(), u.resyncBytesSent(), i.open()));
    }
    return new UsageReply(r.callId(), site, out);
  }

  private Reply manifestPage(ManifestRequest r) {
    if (manifest == null) {
      manifest = StoreManifest.of(store);
    }
    if (r.startAfter() == null || r.startAfter().isEmpty()) {
      LOG.info("Site {}: manifest of {} in store {} requested by {}", site, r.root(),
          store.root(), channel.remote());
    }
    try {
      return manifest.page(r);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Site {}: manifest of {} (after '{}') failed: {}", site, r.root(), r.startAfter(),
          e.toString());
      return new ErrorReply(r.callId(), Errors.kindOf(e), "site " + site + ": manifest of "
          + r.root() + " failed: " + Errors.messageOf(e));
    }
  }
}
