package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.SessionKeyFormulas.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.Hex;
import dev.psk.common.SecretBytes;
import dev.psk.common.testing.SharedVectors;
import dev.psk.common.testing.VectorCases;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.crypto.X25519;
import dev.psk.tunnel.crypto.X25519PrivateKey;
import dev.psk.tunnel.crypto.X25519PublicKey;
import dev.psk.tunnel.pad.SlotKeys;
import dev.psk.tunnel.session.DataKeyDeriver;
import dev.psk.tunnel.wire.Psk2Packet;
import dev.psk.tunnel.wire.Psk2Wire;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Frozen vectors for every key-derivation step of the v2 handshake and the session-bound data keys,
 * testdata/vectors/psk2-session-keys.json (or {@code -Dpsk2.session.vectors=FILE}), one test per
 * case: handshake MAC keys, session PSK and pad fingerprint from the control slot; both ephemeral
 * public keys and the X25519 result; both transcripts (what each side signs), the transcript hash
 * and the quote qualifying data; the session secret; per data slot and direction the extract PRK,
 * the data key and a whole sealed packet under {@code 0x80 | epoch}. Every value must come out of
 * the implementation AND out of {@link SessionKeyFormulas}, the formulas of docs/protocol.md
 * recomputed with javax.crypto alone.
 *
 * <p>The file was written once by {@link #regenerate()}: {@code mvn -pl tunnel -am test
 * -Dtest=SessionKeyVectorsTest -Dpsk2.session.vectors.write=FILE}. Its inputs are deterministic
 * ({@link #input}), so a rerun writes the same file unless a derivation changed.
 */
class SessionKeyVectorsTest {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final String SEED = "psk-tunnel session key vectors v1";

    @TestFactory
    Stream<DynamicTest> everyStepMatchesTheImplementationAndTheDocumentedFormula() {
        Path file = SharedVectors.file("psk2.session.vectors", "psk2-session-keys.json");
        JsonNode root = MAPPER.readTree(file.toFile());
        List<JsonNode> cases = new ArrayList<>();
        root.path("cases").forEach(cases::add);
        return VectorCases.of(file, cases, c -> c.path("name").asString(), c -> {
            assertThat(fromImplementation(c)).as("implementation").isEqualTo(c);
            assertThat(fromFormulas(c))
                    .as("docs/protocol.md formulas (javax.crypto)")
                    .isEqualTo(c);
        });
    }

    /** Writes the vector file from the implementation; runs only when asked to. */
    @Test
    @EnabledIfSystemProperty(named = "psk2.session.vectors.write", matches = ".+")
    void regenerate() throws Exception {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", "psk-tunnel v2 session keys: docs/protocol.md sections 3.2, 3.3 and 3.8");
        root.put(
                "generator",
                "SessionKeyVectorsTest#regenerate (module tunnel) from the implementation; inputs are"
                        + " HMAC-SHA256(key = '" + SEED + "', case name || '/' || field || u8 counter) blocks");
        ArrayNode cases = root.putArray("cases");
        cases.add(fromImplementation(inputs("psk mode, no identities, epoch 0", false, 0, 0, 0, 0, 0, 0)));
        cases.add(fromImplementation(inputs("signed, 8-byte serials, epoch 1", true, 8, 8, 0x04, 0x05, 1, 1L << 32)));
        cases.add(
                fromImplementation(inputs("attested, 16-byte and no serial, epoch 3", true, 16, 0, 0x0c, 0x0f, 3, 9)));
        Path out = Path.of(System.getProperty("psk2.session.vectors.write"));
        Files.writeString(out, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    /** Deterministic test input bytes: HMAC(seed, name/field || counter) blocks, cut to {@code n}. */
    static byte[] input(String name, String field, int n) {
        byte[] out = new byte[n];
        for (int i = 0, done = 0; done < n; i++) {
            byte[] block = hmac(ascii(SEED), ascii(name + "/" + field), new byte[] {(byte) i});
            int take = Math.min(block.length, n - done);
            System.arraycopy(block, 0, out, done, take);
            done += take;
        }
        return out;
    }

    private static ObjectNode inputs(
            String name, boolean ids, int serialI, int serialR, int hello, int welcome, int epoch, long bigSlot) {
        ObjectNode c = MAPPER.createObjectNode();
        c.put("name", name);
        for (String[] f : new String[][] {
            {"control_slot", "120"},
            {"session_id", "8"},
            {"nonce_i", "32"},
            {"nonce_r", "32"},
            {"e_i_private", "32"},
            {"e_r_private", "32"}
        }) {
            c.put(f[0], Hex.encode(input(name, f[0], Integer.parseInt(f[1]))));
        }
        c.put("identity_id_i", Hex.encode(ids ? input(name, "identity_id_i", 8) : new byte[8]));
        c.put("identity_id_r", Hex.encode(ids ? input(name, "identity_id_r", 8) : new byte[8]));
        c.put("serial_i", Hex.encode(input(name, "serial_i", serialI)));
        c.put("serial_r", Hex.encode(input(name, "serial_r", serialR)));
        c.put("hello_flags", hello);
        c.put("welcome_flags", welcome);
        c.put("epoch", epoch);
        ArrayNode data = c.putArray("data");
        long[][] slots = {{0, 0, 0, 0}, {7, 1, 7123, 20}, {bigSlot, 0, bigSlot * 1000 + 999, 64}};
        for (long[] s : slots) {
            ObjectNode d = data.addObject();
            d.put("slot", s[0]);
            d.put("direction", (int) s[1]);
            d.put("slot_bytes", Hex.encode(input(name, "slot " + s[0], 120)));
            d.put("seq", s[2]);
            d.put("plaintext", Hex.encode(input(name, "plaintext " + s[0], (int) s[3])));
        }
        return c;
    }

    private static byte[] hex(JsonNode c, String field) {
        return Hex.decode(c.path(field).asString(), field);
    }

    /** The case's inputs with every derived field computed by the implementation's classes. */
    static ObjectNode fromImplementation(JsonNode in) throws Exception {
        ObjectNode c = copyInputs(in);
        byte[] control = hex(in, "control_slot");
        byte[] prk = Hkdf.extract(HandshakeKeys.ascii(HandshakeWire.HKDF_SALT), control);
        c.put("handshake_prk", Hex.encode(prk));
        c.put("psk_s", Hex.encode(Hkdf.expand(prk, HandshakeKeys.ascii(HandshakeWire.INFO_SESSION_PSK), 32)));
        try (HandshakeKeys keys = HandshakeKeys.fromControlSlot(control);
                X25519PrivateKey ei = X25519PrivateKey.copyOf(hex(in, "e_i_private"));
                X25519PrivateKey er = X25519PrivateKey.copyOf(hex(in, "e_r_private"))) {
            c.put("key_i2r", Hex.encode(keys.macKeyFor(HandshakeWire.ROLE_INITIATOR)));
            c.put("key_r2i", Hex.encode(keys.macKeyFor(HandshakeWire.ROLE_RESPONDER)));
            c.put("pad_fp", Hex.encode(keys.padFingerprint()));
            byte[] eiPub = ei.publicKey().bytes();
            byte[] erPub = er.publicKey().bytes();
            c.put("e_i", Hex.encode(eiPub));
            c.put("e_r", Hex.encode(erPub));
            try (SecretBytes dh = X25519.agree(ei, X25519PublicKey.fromBytes(erPub))) {
                c.put("dh", Hex.encode(dh.reveal()));
                byte[] psk = Hkdf.expand(prk, HandshakeKeys.ascii(HandshakeWire.INFO_SESSION_PSK), 32);
                c.put("session_prk", Hex.encode(Hkdf.extract(psk, dh.reveal())));
            }
            Transcript t = new Transcript(
                    hex(in, "session_id"),
                    hex(in, "nonce_i"),
                    hex(in, "nonce_r"),
                    eiPub,
                    erPub,
                    hex(in, "identity_id_i"),
                    hex(in, "identity_id_r"),
                    keys.padFingerprint(),
                    hex(in, "serial_i"),
                    hex(in, "serial_r"),
                    in.path("hello_flags").asInt(),
                    in.path("welcome_flags").asInt(),
                    in.path("epoch").asInt());
            byte[] ti = t.encode(HandshakeWire.ROLE_INITIATOR);
            byte[] tr = t.encode(HandshakeWire.ROLE_RESPONDER);
            c.put("transcript_i", Hex.encode(ti));
            c.put("transcript_r", Hex.encode(tr));
            c.put("transcript_hash", Hex.encode(t.bodyHash()));
            c.put("quote_nonce_i", Hex.encode(Transcript.quoteNonce(ti, hex(in, "identity_id_i"))));
            c.put("quote_nonce_r", Hex.encode(Transcript.quoteNonce(tr, hex(in, "identity_id_r"))));
            try (SecretBytes si = keys.sessionSecret(ei, erPub, t);
                    SecretBytes sr = keys.sessionSecret(er, eiPub, t)) {
                assertThat(si.reveal())
                        .as("both ends derive one session secret")
                        .isEqualTo(sr.reveal());
                c.put("session_secret", Hex.encode(si.reveal()));
                dataFromImplementation(in, c, si.reveal());
            }
        }
        return c;
    }

    private static void dataFromImplementation(JsonNode in, ObjectNode c, byte[] secret) {
        ArrayNode data = c.putArray("data");
        DataKeyDeriver deriver = new DataKeyDeriver();
        int flags = Psk2Wire.FLAG_SESSION | in.path("epoch").asInt();
        try (PacketAead aead = PacketAeads.create(PacketAeads.JCE)) {
            for (JsonNode d : in.path("data")) {
                ObjectNode o = copyDataInputs(d, data.addObject());
                byte[] slotBytes = hex(d, "slot_bytes");
                long slot = d.path("slot").asLong();
                int dir = d.path("direction").asInt();
                long seq = d.path("seq").asLong();
                SlotKeys k = SlotKeys.fromSlot(slotBytes, dir, slot);
                assertThat(deriver.derive(secret, slotBytes, slot, dir, k.keyForDerivation()))
                        .isTrue();
                byte[] material = java.util.Arrays.copyOfRange(
                        slotBytes, dir * DataKeyDeriver.MATERIAL_BYTES, (dir + 1) * DataKeyDeriver.MATERIAL_BYTES);
                o.put("prk", Hex.encode(Hkdf.extract(secret, material)));
                o.put("key", Hex.encode(k.key()));
                byte[] plain = hex(d, "plaintext");
                ByteBuffer buf = ByteBuffer.allocateDirect(Psk2Wire.BUFFER_BYTES);
                buf.put(Psk2Wire.HEADER_BYTES, plain);
                int len = Psk2Packet.seal(buf, k, seq, plain.length, aead, new byte[Psk2Wire.NONCE_BYTES], flags);
                byte[] pkt = new byte[len];
                buf.get(0, pkt);
                o.put("flags", flags);
                o.put("packet", Hex.encode(pkt));
                assertThat(Psk2Packet.checkHeader(buf, len, dir, true))
                        .as("a session-keyed receiver's header check")
                        .isNull();
                assertThat(Psk2Packet.open(buf, len, k, seq, aead, new byte[Psk2Wire.NONCE_BYTES]))
                        .as("the receiver opens it")
                        .isTrue();
            }
        }
    }

    /** The case's inputs with every derived field computed from the documented formulas alone. */
    static ObjectNode fromFormulas(JsonNode in) {
        ObjectNode c = copyInputs(in);
        byte[] control = hex(in, "control_slot");
        byte[] prk = handshakePrk(control);
        byte[] psk = sessionPsk(prk);
        c.put("handshake_prk", Hex.encode(prk));
        c.put("psk_s", Hex.encode(psk));
        c.put("key_i2r", Hex.encode(keyI2r(prk)));
        c.put("key_r2i", Hex.encode(keyR2i(prk)));
        byte[] fp = padFingerprint(control);
        c.put("pad_fp", Hex.encode(fp));
        byte[] ei = x25519Public(hex(in, "e_i_private"));
        byte[] er = x25519Public(hex(in, "e_r_private"));
        c.put("e_i", Hex.encode(ei));
        c.put("e_r", Hex.encode(er));
        byte[] dh = x25519(hex(in, "e_i_private"), er);
        assertThat(x25519(hex(in, "e_r_private"), ei)).as("X25519 is symmetric").isEqualTo(dh);
        c.put("dh", Hex.encode(dh));
        c.put("session_prk", Hex.encode(sessionPrk(psk, dh)));
        byte[] body = body(
                hex(in, "session_id"),
                hex(in, "nonce_i"),
                hex(in, "nonce_r"),
                ei,
                er,
                hex(in, "identity_id_i"),
                hex(in, "identity_id_r"),
                fp,
                hex(in, "serial_i"),
                hex(in, "serial_r"),
                in.path("hello_flags").asInt(),
                in.path("welcome_flags").asInt(),
                in.path("epoch").asInt());
        byte[] ti = transcript(0, body);
        byte[] tr = transcript(1, body);
        byte[] th = sha256(body);
        c.put("transcript_i", Hex.encode(ti));
        c.put("transcript_r", Hex.encode(tr));
        c.put("transcript_hash", Hex.encode(th));
        c.put("quote_nonce_i", Hex.encode(sha256(ti, hex(in, "identity_id_i"))));
        c.put("quote_nonce_r", Hex.encode(sha256(tr, hex(in, "identity_id_r"))));
        byte[] secret = sessionSecret(sessionPrk(psk, dh), th);
        c.put("session_secret", Hex.encode(secret));
        ArrayNode data = c.putArray("data");
        int flags = 0x80 | in.path("epoch").asInt();
        for (JsonNode d : in.path("data")) {
            ObjectNode o = copyDataInputs(d, data.addObject());
            byte[] slotBytes = hex(d, "slot_bytes");
            int dir = d.path("direction").asInt();
            byte[] dataPrk = dataPrk(secret, slotBytes, dir);
            byte[] key = dataKey(dataPrk, d.path("slot").asLong(), dir);
            o.put("prk", Hex.encode(dataPrk));
            o.put("key", Hex.encode(key));
            o.put("flags", flags);
            o.put(
                    "packet",
                    Hex.encode(packet(key, slotBytes, dir, d.path("seq").asLong(), flags, hex(d, "plaintext"))));
        }
        return c;
    }

    private static final List<String> INPUTS = List.of(
            "name",
            "control_slot",
            "session_id",
            "nonce_i",
            "nonce_r",
            "e_i_private",
            "e_r_private",
            "identity_id_i",
            "identity_id_r",
            "serial_i",
            "serial_r",
            "hello_flags",
            "welcome_flags",
            "epoch");

    private static ObjectNode copyInputs(JsonNode in) {
        ObjectNode c = MAPPER.createObjectNode();
        for (String f : INPUTS) {
            c.set(f, in.get(f));
        }
        return c;
    }

    private static ObjectNode copyDataInputs(JsonNode d, ObjectNode o) {
        for (String f : List.of("slot", "direction", "slot_bytes", "seq", "plaintext")) {
            o.set(f, d.get(f));
        }
        return o;
    }
}
