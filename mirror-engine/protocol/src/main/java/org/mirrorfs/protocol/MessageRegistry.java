package org.mirrorfs.protocol;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.RecordSerializer;
import java.util.ArrayList;
import org.mirrorfs.protocol.message.ClientMessages;
import org.mirrorfs.protocol.message.ConnectionKind;
import org.mirrorfs.protocol.message.ControlMessages;
import org.mirrorfs.protocol.message.ErrorKind;
import org.mirrorfs.protocol.message.FileInfo;
import org.mirrorfs.protocol.message.Handshake;
import org.mirrorfs.protocol.message.NamespaceOp;
import org.mirrorfs.protocol.message.PeerMessages;

/**
 * The one place where wire classes get their Kryo ids. Ids are part of the protocol: never
 * reuse or renumber one; add new classes at the end and bump {@link ProtocolVersion} when an
 * old peer could not read them.
 */
public final class MessageRegistry {
  private static final int FIRST_ID = 100;

  private static final Class<?>[] ORDERED = {
    // handshake
    Handshake.Hello.class,
    Handshake.HelloOk.class,
    Handshake.NotPrimary.class,
    Handshake.Refused.class,
    ConnectionKind.class,
    // client
    ClientMessages.CreateRequest.class,
    ClientMessages.CreateReply.class,
    ClientMessages.WritePacket.class,
    ClientMessages.WriteAck.class,
    ClientMessages.WriteFailed.class,
    ClientMessages.SyncRequest.class,
    ClientMessages.CloseRequest.class,
    ClientMessages.MkdirsRequest.class,
    ClientMessages.DeleteRequest.class,
    ClientMessages.RenameRequest.class,
    ClientMessages.StatusRequest.class,
    ClientMessages.StatusReply.class,
    ClientMessages.ListRequest.class,
    ClientMessages.ListReply.class,
    ClientMessages.ReadRequest.class,
    ClientMessages.ReadReply.class,
    ClientMessages.BooleanReply.class,
    ClientMessages.OkReply.class,
    ClientMessages.ErrorReply.class,
    ErrorKind.class,
    FileInfo.class,
    // namespace log entries
    NamespaceOp.Create.class,
    NamespaceOp.Mkdirs.class,
    NamespaceOp.Delete.class,
    NamespaceOp.Rename.class,
    NamespaceOp.Close.class,
    // peer link
    PeerMessages.ReplicateData.class,
    PeerMessages.ReplicateOp.class,
    PeerMessages.PeerAck.class,
    PeerMessages.DestagedRange.class,
    PeerMessages.DestagedRanges.class,
    PeerMessages.PeerError.class,
    // control
    ControlMessages.EngineStatusRequest.class,
    ControlMessages.EngineStatusReply.class,
    ControlMessages.FaultRequest.class,
    // containers
    ArrayList.class,
    // added in version 1, after the first slice: attributes and append
    ClientMessages.SetTimesRequest.class,
    ClientMessages.SetPermissionRequest.class,
    ClientMessages.SetOwnerRequest.class,
    ClientMessages.AppendRequest.class,
    ClientMessages.AppendReply.class,
    NamespaceOp.SetTimes.class,
    NamespaceOp.SetPermission.class,
    NamespaceOp.SetOwner.class,
    NamespaceOp.Append.class,
    ClientMessages.LeaseRequest.class,
    ClientMessages.ChecksumRequest.class,
    ClientMessages.ChecksumReply.class,
    // ctl verify: a store manifest on the CONTROL connection (keep this block together)
    ControlMessages.ManifestRequest.class,
    ControlMessages.ManifestEntry.class,
    ControlMessages.ManifestResume.class,
    ControlMessages.ManifestPage.class,
    // end of ctl verify block
    // records and resync
    NamespaceOp.Resume.class,
    ControlMessages.RecordStatus.class,
    PeerMessages.Committed.class,
    PeerMessages.DestageNow.class,
    // usage metering, ctl usage (protocol 3; keep this block together)
    ControlMessages.UsageRequest.class,
    ControlMessages.UsageInterval.class,
    ControlMessages.UsageReply.class,
    // end of usage metering block
    // failover: a writer takes its open file up again on the new primary (protocol 4)
    ClientMessages.ReopenRequest.class,
    ClientMessages.ReopenReply.class,
    ControlMessages.HandoverRequest.class,
    ControlMessages.PromoteRequest.class,
    ControlMessages.RoleReply.class,
    // end of failover block
    // engine metrics: EngineStatusReply carries EngineFigures (keep this block together)
    ControlMessages.EngineFigures.class,
    ControlMessages.LatencyFigures.class,
    // end of engine metrics block
  };

  private MessageRegistry() {}

  /** A new Kryo that knows every wire class and refuses any other. Not thread-safe. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  public static Kryo newKryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    int id = FIRST_ID;
    for (Class<?> type : ORDERED) {
      if (type.isRecord()) {
        kryo.register(type, new RecordSerializer(type), id++);
      } else {
        kryo.register(type, id++);
      }
    }
    return kryo;
  }
}
