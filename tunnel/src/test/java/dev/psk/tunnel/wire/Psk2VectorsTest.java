package dev.psk.tunnel.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.Hex;
import dev.psk.common.testing.SharedVectors;
import dev.psk.common.testing.VectorCases;
import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.pad.SlotKeys;
import dev.psk.tunnel.pad.SlotSchedule;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Conformance with testdata/vectors/psk2-packets.json (or {@code -Dpsk2.vectors=FILE}), one test
 * per case: every packet and wide-sequence packet is sealed and must match byte for byte, then
 * opened by the receiving role; every must_reject packet is refused by its receiver. A case passes
 * when it passes on every AEAD backend.
 */
class Psk2VectorsTest {
    private static final List<PacketAead> AEADS = new ArrayList<>();

    /** One case: its id in the file ("packets[3]") and its node. */
    private record Case(String id, JsonNode node, boolean reject) {}

    @BeforeAll
    static void openBackends() {
        for (dev.psk.tunnel.crypto.AeadBackend backend : backends()) {
            AEADS.add(PacketAeads.create(backend));
        }
    }

    @AfterAll
    static void closeBackends() {
        AEADS.forEach(PacketAead::close);
    }

    @TestFactory
    Stream<DynamicTest> allVectorsPass() {
        Path file = SharedVectors.file("psk2.vectors", "psk2-packets.json");
        JsonNode root = JsonMapper.builder().build().readTree(file.toFile());
        byte[] pad = Hex.decode(root.get("pad_hex").asString(), "pad_hex");
        List<Case> cases = new ArrayList<>();
        for (String section : List.of("packets", "wide_sequence_packets", "must_reject")) {
            int i = 0;
            for (JsonNode c : root.path(section)) {
                boolean reject = section.equals("must_reject");
                String id = section + "[" + i++ + "]"
                        + (reject ? " (" + c.path("why").asString() + ")" : "");
                cases.add(new Case(id, c, reject));
            }
        }
        return VectorCases.of(file, cases, Case::id, c -> {
            List<String> problems = new ArrayList<>();
            for (PacketAead a : AEADS) {
                String p = c.reject() ? mustReject(c.node(), pad, a) : roundTrip(c.node(), pad, a);
                if (p != null) {
                    problems.add(a.name() + ": " + p);
                }
            }
            assertThat(problems).as(c.id()).isEmpty();
        });
    }

    static List<dev.psk.tunnel.crypto.AeadBackend> backends() {
        List<dev.psk.tunnel.crypto.AeadBackend> b = new ArrayList<>(List.of(PacketAeads.JCE));
        if (dev.psk.tunnel.crypto.OpenSslChaCha20Poly1305.unavailableReason().isEmpty()) {
            b.add(PacketAeads.OPENSSL);
        }
        return b;
    }

    private static byte[] slot(JsonNode c, byte[] pad, long slotIndex) {
        if (c.has("slot")) {
            return Hex.decode(c.get("slot").asString(), "slot");
        }
        long off = SlotSchedule.padOffset(slotIndex);
        if (off + Psk2Wire.SLOT_BYTES > pad.length) {
            return null;
        }
        return Arrays.copyOfRange(pad, (int) off, (int) off + Psk2Wire.SLOT_BYTES);
    }

    /** Seals the plaintext, compares with the packet, opens the packet as the receiving role. */
    private static String roundTrip(JsonNode c, byte[] pad, PacketAead aead) {
        int direction = c.get("direction").asInt();
        long seq = Long.parseUnsignedLong(c.get("seq").asString());
        if (SlotSchedule.slotOf(seq) != c.get("slot_index").asLong()) {
            return "slot_index " + c.get("slot_index") + " but seq/1000 = " + SlotSchedule.slotOf(seq);
        }
        byte[] slot = slot(c, pad, SlotSchedule.slotOf(seq));
        if (slot == null) {
            return "slot outside pad";
        }
        byte[] plain = Hex.decode(c.get("plaintext").asString());
        byte[] expected = Hex.decode(c.get("packet").asString());
        SlotKeys keys = SlotKeys.fromSlot(slot, direction, SlotSchedule.slotOf(seq));
        ByteBuffer buf = ByteBuffer.allocateDirect(Psk2Wire.BUFFER_BYTES);
        buf.put(Psk2Wire.HEADER_BYTES, plain);
        byte[] nonce = new byte[Psk2Wire.NONCE_BYTES];
        int len = Psk2Packet.seal(buf, keys, seq, plain.length, aead, nonce);
        byte[] got = new byte[len];
        buf.get(0, got);
        if (!Arrays.equals(got, expected)) {
            int at = Arrays.mismatch(got, expected);
            return "sealed packet differs from byte " + at + " (" + got.length + " vs " + expected.length + " bytes)";
        }
        ByteBuffer rx = ByteBuffer.allocateDirect(Psk2Wire.BUFFER_BYTES);
        rx.put(0, expected);
        DropReason r = Psk2Packet.checkHeader(rx, expected.length, direction);
        if (r != null) {
            return "receiver dropped it: " + r;
        }
        if (Psk2Packet.seq(rx) != seq || !Psk2Packet.authTagMatches(rx, keys)) {
            return "header seq or auth tag mismatch";
        }
        if (!Psk2Packet.open(rx, expected.length, keys, seq, aead, nonce)) {
            return "receiver failed to open it";
        }
        byte[] opened = new byte[Psk2Packet.payloadLength(expected.length)];
        rx.get(Psk2Wire.HEADER_BYTES, opened);
        return Arrays.equals(opened, plain) ? null : "opened plaintext differs";
    }

    private static String mustReject(JsonNode c, byte[] pad, PacketAead aead) {
        Role receiver = c.has("receiver") ? Role.fromLabel(c.get("receiver").asString()) : Role.RESPONDER;
        byte[] pkt = Hex.decode(c.get("packet").asString());
        DropReason why = receive(pkt, pad, receiver, aead);
        return why != null ? null : "accepted by the " + receiver.label();
    }

    /** The receive order of the data plane for one packet with a fresh window; null = accepted. */
    static DropReason receive(byte[] pkt, byte[] pad, Role receiver, PacketAead aead) {
        ByteBuffer rx = ByteBuffer.allocateDirect(Psk2Wire.BUFFER_BYTES);
        if (pkt.length > rx.capacity()) {
            return DropReason.SIZE;
        }
        rx.put(0, pkt);
        DropReason r = Psk2Packet.checkHeader(rx, pkt.length, receiver.rxDirection());
        if (r != null) {
            return r;
        }
        long seq = Psk2Packet.seq(rx);
        long slotIndex = SlotSchedule.slotOf(seq);
        if (Long.compareUnsigned(slotIndex, pad.length / Psk2Wire.SLOT_BYTES) >= 0) {
            return DropReason.SLOT_BEYOND_PAD;
        }
        byte[] slot = Arrays.copyOfRange(
                pad, (int) slotIndex * Psk2Wire.SLOT_BYTES, (int) (slotIndex + 1) * Psk2Wire.SLOT_BYTES);
        SlotKeys keys = SlotKeys.fromSlot(slot, receiver.rxDirection(), slotIndex);
        if (!Psk2Packet.authTagMatches(rx, keys)) {
            return DropReason.AUTH_TAG;
        }
        return Psk2Packet.open(rx, pkt.length, keys, seq, aead, new byte[12]) ? null : DropReason.AEAD;
    }
}
