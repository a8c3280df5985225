package org.mirrorfs.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mirrorfs.protocol.message.ClientMessages;
import org.mirrorfs.protocol.message.ControlMessages;
import org.mirrorfs.protocol.message.ErrorKind;
import org.mirrorfs.protocol.message.FileInfo;
import org.mirrorfs.protocol.message.Handshake;
import org.mirrorfs.protocol.message.Message;
import org.mirrorfs.protocol.message.NamespaceOp;
import org.mirrorfs.protocol.message.PeerMessages;

class TestMessageRegistry {

  /** The registry's own list, read reflectively so the test follows additions. */
  private static Class<?>[] ordered() throws ReflectiveOperationException {
    Field f = MessageRegistry.class.getDeclaredField("ORDERED");
    f.setAccessible(true);
    return (Class<?>[]) f.get(null);
  }

  @Test
  void everyRegisteredClassHasTheSameIdInTwoInstances() throws ReflectiveOperationException {
    Kryo a = MessageRegistry.newKryo();
    Kryo b = MessageRegistry.newKryo();
    Class<?>[] classes = ordered();
    assertThat(classes.length).isGreaterThan(30);
    Set<Integer> ids = new HashSet<>();
    for (Class<?> type : classes) {
      Registration ra = a.getRegistration(type);
      Registration rb = b.getRegistration(type);
      assertThat(ra.getId()).as(type.getName()).isEqualTo(rb.getId());
      assertThat(ids.add(ra.getId())).as("id of " + type.getName() + " is unique").isTrue();
    }
  }

  @Test
  void idsAreFixedByPosition() throws ReflectiveOperationException {
    Kryo kryo = MessageRegistry.newKryo();
    Class<?>[] classes = ordered();
    for (int i = 0; i < classes.length; i++) {
      assertThat(kryo.getRegistration(classes[i]).getId()).isEqualTo(100 + i);
    }
    // Ids are protocol: a few pinned explicitly so a reordering fails here.
    assertThat(kryo.getRegistration(Handshake.Hello.class).getId()).isEqualTo(100);
    assertThat(kryo.getRegistration(ClientMessages.CreateRequest.class).getId()).isEqualTo(105);
    assertThat(kryo.getRegistration(PeerMessages.ReplicateData.class).getId()).isEqualTo(131);
    assertThat(kryo.getRegistration(ArrayList.class).getId()).isEqualTo(140);
    // classes added later go after every earlier one
    assertThat(kryo.getRegistration(ClientMessages.SetTimesRequest.class).getId())
        .isEqualTo(141);
  }

  @Test
  void everyConcreteMessageTypeIsRegistered() throws ReflectiveOperationException {
    Set<Class<?>> registered = new HashSet<>(List.of(ordered()));
    List<Class<?>> holders = List.of(ClientMessages.class, PeerMessages.class,
        ControlMessages.class, Handshake.class, NamespaceOp.class);
    for (Class<?> holder : holders) {
      for (Class<?> nested : holder.getDeclaredClasses()) {
        if (nested.isRecord()) {
          assertThat(registered).as(nested.getName()).contains(nested);
        }
      }
    }
    assertThat(registered).contains(FileInfo.class, ErrorKind.class);
  }

  @Test
  void writtenByOneInstanceReadByAnother() {
    Kryo writer = MessageRegistry.newKryo();
    Kryo reader = MessageRegistry.newKryo();
    List<Message> messages = List.of(
        new Handshake.Hello(ProtocolVersion.CURRENT, "c", 0,
            org.mirrorfs.protocol.message.ConnectionKind.PEER, "a", "id", "acme"),
        new ClientMessages.WriteFailed(3, ErrorKind.IO, "boom"),
        new ControlMessages.FaultRequest(1, "p", "hold"),
        new PeerMessages.ReplicateOp(9, new NamespaceOp.Create("c", 1, 2, "/x", (short) 0644,
            "destage", (short) 3, 4096)));
    for (Message m : messages) {
      Output out = new Output(256, -1);
      writer.writeClassAndObject(out, m);
      Object back = reader.readClassAndObject(new Input(out.toBytes()));
      assertThat(back).isEqualTo(m);
    }
  }

  @Test
  void manifestMessagesFormOneBlockAfterEarlierMessages() {
    Kryo kryo = MessageRegistry.newKryo();
    int first = kryo.getRegistration(ControlMessages.ManifestRequest.class).getId();
    assertThat(first).isGreaterThan(
        kryo.getRegistration(ClientMessages.ChecksumReply.class).getId());
    assertThat(kryo.getRegistration(ControlMessages.ManifestEntry.class).getId())
        .isEqualTo(first + 1);
    assertThat(kryo.getRegistration(ControlMessages.ManifestResume.class).getId())
        .isEqualTo(first + 2);
    assertThat(kryo.getRegistration(ControlMessages.ManifestPage.class).getId())
        .isEqualTo(first + 3);
  }

  @Test
  void manifestMessagesRoundTripWithAndWithoutResume() {
    Kryo writer = MessageRegistry.newKryo();
    Kryo reader = MessageRegistry.newKryo();
    ArrayList<ControlMessages.ManifestEntry> entries = new ArrayList<>();
    entries.add(new ControlMessages.ManifestEntry("/d", true, 0, (short) 0755, "u", "g", 0));
    entries.add(new ControlMessages.ManifestEntry("/d/f", false, 12, (short) 0640, "u", "g",
        0xCAFEBABE));
    ControlMessages.ManifestResume resume =
        new ControlMessages.ManifestResume("/d/g", 1L << 40, 1L << 33, -7);
    List<Message> messages = List.of(
        new ControlMessages.ManifestRequest(4, "/", "", null, 1000, 5000),
        new ControlMessages.ManifestRequest(5, "/d", "/d/f", resume, 10, 1),
        new ControlMessages.ManifestPage(4, entries, null, false),
        new ControlMessages.ManifestPage(5, new ArrayList<>(), resume, false),
        new ControlMessages.ManifestPage(6, entries, null, true));
    for (Message m : messages) {
      Output out = new Output(256, -1);
      writer.writeClassAndObject(out, m);
      Object back = reader.readClassAndObject(new Input(out.toBytes()));
      assertThat(back).isEqualTo(m);
    }
  }

  @Test
  void registrationIsRequired() {
    Kryo kryo = MessageRegistry.newKryo();
    assertThat(kryo.isRegistrationRequired()).isTrue();
    Output out = new Output(256, -1);
    assertThatThrownBy(() -> kryo.writeClassAndObject(out, new HashMap<String, String>()))
        .isInstanceOfAny(IllegalArgumentException.class, KryoException.class)
        .hasMessageContaining("HashMap");
  }

  @Test
  void ackModeParsesAnyCase() {
    assertThat(AckMode.parse("cache")).isEqualTo(AckMode.CACHE);
    assertThat(AckMode.parse("CACHE")).isEqualTo(AckMode.CACHE);
    assertThat(AckMode.parse("Destage")).isEqualTo(AckMode.DESTAGE);
    assertThat(AckMode.parse("lOcAl")).isEqualTo(AckMode.LOCAL);
    assertThat(AckMode.parse("  local ")).isEqualTo(AckMode.LOCAL);
    for (AckMode m : AckMode.values()) {
      assertThat(AckMode.parse(m.configName())).isEqualTo(m);
    }
    assertThat(AckMode.DESTAGE.configName()).isEqualTo("destage");
  }

  @Test
  void ackModeRefusesOthersNamingTheValue() {
    for (String bad : new String[] {"sync", "", "cache,local", "caches"}) {
      assertThatThrownBy(() -> AckMode.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
    assertThatThrownBy(() -> AckMode.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void protocolVersionRange() {
    assertThat(ProtocolVersion.isSupported(ProtocolVersion.CURRENT)).isTrue();
    assertThat(ProtocolVersion.isSupported(ProtocolVersion.LOWEST_COMPATIBLE)).isTrue();
    assertThat(ProtocolVersion.isSupported(ProtocolVersion.CURRENT + 1)).isFalse();
    assertThat(ProtocolVersion.isSupported(ProtocolVersion.LOWEST_COMPATIBLE - 1)).isFalse();
  }

  @Test
  void usageMessagesFormOneBlock() throws Exception {
    Kryo kryo = MessageRegistry.newKryo();
    int first = kryo.getRegistration(ControlMessages.UsageRequest.class).getId();
    assertThat(first).isGreaterThan(kryo.getRegistration(PeerMessages.DestageNow.class).getId());
    assertThat(kryo.getRegistration(ControlMessages.UsageInterval.class).getId())
        .isEqualTo(first + 1);
    assertThat(kryo.getRegistration(ControlMessages.UsageReply.class).getId())
        .isEqualTo(first + 2);
    java.util.ArrayList<ControlMessages.UsageInterval> list = new java.util.ArrayList<>();
    list.add(new ControlMessages.UsageInterval("acme", 1, 2, 3, 4, 5, 6, 7, 8, 9, true));
    Output out = new Output(256, -1);
    kryo.writeClassAndObject(out, new ControlMessages.UsageReply(4, "b", list));
    assertThat(MessageRegistry.newKryo().readClassAndObject(new Input(out.toBytes())))
        .isEqualTo(new ControlMessages.UsageReply(4, "b", list));
  }

  @Test
  void failoverMessagesFormOneBlockAfterUsageAndRoundTrip() throws Exception {
    Kryo kryo = MessageRegistry.newKryo();
    int first = kryo.getRegistration(ClientMessages.ReopenRequest.class).getId();
    assertThat(first).isGreaterThan(kryo.getRegistration(ControlMessages.UsageReply.class)
        .getId());
    List<Class<?>> block = List.of(ClientMessages.ReopenRequest.class,
        ClientMessages.ReopenReply.class, ControlMessages.HandoverRequest.class,
        ControlMessages.PromoteRequest.class, ControlMessages.RoleReply.class);
    for (int i = 0; i < block.size(); i++) {
      assertThat(kryo.getRegistration(block.get(i)).getId()).isEqualTo(first + i);
    }
    for (Object m : List.of(new ClientMessages.ReopenRequest(3, "client-1", 42L << 32, "/a/b"),
        new ClientMessages.ReopenReply(3, 42L << 32, 1 << 20, "cache"),
        new ControlMessages.HandoverRequest(4, 60_000), new ControlMessages.PromoteRequest(5, true),
        new ControlMessages.RoleReply(5, false, "site b is outdated"))) {
      Output out = new Output(256, -1);
      kryo.writeClassAndObject(out, m);
      assertThat(MessageRegistry.newKryo().readClassAndObject(new Input(out.toBytes())))
          .isEqualTo(m);
    }
  }

  @Test
  void metricsFiguresFormOneBlockAtTheEndAndRoundTrip() throws Exception {
    Kryo kryo = MessageRegistry.newKryo();
    int first = kryo.getRegistration(ControlMessages.EngineFigures.class).getId();
    assertThat(first).isEqualTo(kryo.getRegistration(ControlMessages.RoleReply.class).getId()
        + 1);
    assertThat(kryo.getRegistration(ControlMessages.LatencyFigures.class).getId())
        .isEqualTo(first + 1);
    assertThat(ordered()[ordered().length - 1])
        .isEqualTo(ControlMessages.LatencyFigures.class);
    java.util.ArrayList<ControlMessages.LatencyFigures> latency = new java.util.ArrayList<>();
    latency.add(new ControlMessages.LatencyFigures("cache", 10, 0.25, 120, 300, 900, 1500,
        2000));
    ControlMessages.EngineStatusReply status = new ControlMessages.EngineStatusReply(7, "a",
        "primary", 3, 1, 2, 3, 4, 5, true, 6, 7,
        new ControlMessages.RecordStatus("resync", false, "outdated", 8, 1, 0, 2, 3, 4, 1),
        new ControlMessages.EngineFigures(11, 12, 13, 14, 15, 16, true, 17, 18, 1, 2, 3, 4,
            latency));
    Output out = new Output(512, -1);
    kryo.writeClassAndObject(out, status);
    assertThat(MessageRegistry.newKryo().readClassAndObject(new Input(out.toBytes())))
        .isEqualTo(status);
  }
}
