package dev.psk.tunnel.noise;

import dev.psk.common.Hex;
import dev.psk.common.testing.SharedVectors;
import dev.psk.common.testing.VectorCases;
import dev.psk.tunnel.crypto.PresharedKey;
import dev.psk.tunnel.crypto.X25519;
import dev.psk.tunnel.crypto.X25519PrivateKey;
import dev.psk.tunnel.crypto.X25519PublicKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs every Noise_IKpsk2_25519_ChaChaPoly_SHA256 vector: cacophony JSON (one object, a list under
 * "vectors", or a top-level list) and the flynn/noise text format (blank-line separated key=value
 * blocks). {@code -Dnoise.vectors=FILE} runs another file of either format instead of the shared
 * directory. One test per vector, named by its file and position. Messages alternate direction: 0 and 1 are the handshake, the rest transport.
 */
class NoiseVectorsTest {

    record Vector(
            String id,
            byte[] prologue,
            byte[] initStatic,
            byte[] initEphemeral,
            byte[] respStatic,
            byte[] respEphemeral,
            byte[] psk,
            byte[] handshakeHash,
            List<byte[][]> messages) {}

    @TestFactory
    Stream<DynamicTest> allVectorsPass() throws IOException {
        List<Path> files = new ArrayList<>();
        String override = System.getProperty("noise.vectors");
        if (override != null && !override.isBlank()) {
            files.add(Path.of(override));
        } else {
            try (Stream<Path> s = Files.list(SharedVectors.dir().resolve("noise"))) {
                s.filter(p -> p.getFileName().toString().contains("IKpsk2"))
                        .sorted()
                        .forEach(files::add);
            }
        }
        List<Vector> vectors = new ArrayList<>();
        for (Path f : files) {
            vectors.addAll(f.toString().endsWith(".json") ? cacophony(f) : flynn(f));
        }
        return VectorCases.of(files, vectors, Vector::id, NoiseVectorsTest::run);
    }

    static void run(Vector v) throws NoiseException {
        IkPsk2Handshake init = IkPsk2Handshake.insecureWithFixedEphemeralForTesting(
                IkPsk2Handshake.Role.INITIATOR,
                v.prologue(),
                X25519PrivateKey.copyOf(v.initStatic()),
                X25519.publicKey(X25519PrivateKey.copyOf(v.respStatic())),
                PresharedKey.copyOf(v.psk()),
                X25519PrivateKey.copyOf(v.initEphemeral()));
        IkPsk2Handshake resp = IkPsk2Handshake.insecureWithFixedEphemeralForTesting(
                IkPsk2Handshake.Role.RESPONDER,
                v.prologue(),
                X25519PrivateKey.copyOf(v.respStatic()),
                null,
                null,
                X25519PrivateKey.copyOf(v.respEphemeral()));
        X25519PublicKey initPub = X25519.publicKey(X25519PrivateKey.copyOf(v.initStatic()));
        byte[][] m0 = v.messages().get(0);
        byte[] c0 = init.writeMessage1(m0[0]);
        check(c0, m0[1], "message 0 ciphertext");
        byte[] p0 = resp.readMessage1(c0, rs -> {
            if (!rs.equals(initPub)) {
                throw new NoiseException(NoiseException.Reason.UNKNOWN_STATIC_KEY, "unexpected initiator");
            }
            return PresharedKey.copyOf(v.psk());
        });
        check(p0, m0[0], "message 0 payload");
        byte[][] m1 = v.messages().get(1);
        byte[] c1 = resp.writeMessage2(m1[0]);
        check(c1, m1[1], "message 1 ciphertext");
        check(init.readMessage2(c1), m1[0], "message 1 payload");
        if (v.handshakeHash() != null) {
            check(init.handshakeHash(), v.handshakeHash(), "handshake hash");
            check(resp.handshakeHash(), v.handshakeHash(), "responder handshake hash");
        }
        CipherState[] ic = init.split();
        CipherState[] rc = resp.split();
        for (int i = 2; i < v.messages().size(); i++) {
            byte[][] m = v.messages().get(i);
            boolean fromInit = (i % 2) == 0;
            CipherState send = fromInit ? ic[0] : rc[0];
            CipherState recv = fromInit ? rc[1] : ic[1];
            byte[] c = send.encryptWithAd(new byte[0], m[0]);
            check(c, m[1], "message " + i + " ciphertext");
            check(recv.decryptWithAd(new byte[0], c), m[0], "message " + i + " payload");
        }
    }

    static void check(byte[] actual, byte[] expected, String what) {
        if (!java.util.Arrays.equals(actual, expected)) {
            throw new AssertionError(what + " differs");
        }
    }

    static List<Vector> cacophony(Path f) throws IOException {
        JsonNode root = JsonMapper.builder().build().readTree(Files.readString(f));
        List<JsonNode> nodes = new ArrayList<>();
        JsonNode list = root.isArray() ? root : root.get("vectors");
        if (list != null && list.isArray()) {
            list.forEach(nodes::add);
        } else {
            nodes.add(root);
        }
        List<Vector> out = new ArrayList<>();
        int n = 0;
        for (JsonNode v : nodes) {
            n++;
            String name = v.has("protocol_name")
                    ? v.get("protocol_name").asString()
                    : v.path("name").asString("");
            if (!name.equals(IkPsk2Handshake.PROTOCOL_NAME)) {
                continue;
            }
            List<byte[][]> msgs = new ArrayList<>();
            for (JsonNode m : v.get("messages")) {
                msgs.add(new byte[][] {hex(m.get("payload")), hex(m.get("ciphertext"))});
            }
            out.add(new Vector(
                    f.getFileName() + "#" + n,
                    hex(v.get("init_prologue")),
                    hex(v.get("init_static")),
                    hex(v.get("init_ephemeral")),
                    hex(v.get("resp_static")),
                    hex(v.get("resp_ephemeral")),
                    hex(v.get("init_psks").get(0)),
                    v.has("handshake_hash") ? hex(v.get("handshake_hash")) : null,
                    msgs));
        }
        return out;
    }

    static List<Vector> flynn(Path f) throws IOException {
        List<Vector> out = new ArrayList<>();
        Map<String, String> block = new LinkedHashMap<>();
        int n = 0;
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        lines.add("");
        for (String line : lines) {
            if (line.isBlank()) {
                if (!block.isEmpty()) {
                    n++;
                    if (IkPsk2Handshake.PROTOCOL_NAME.equals(block.get("handshake"))) {
                        List<byte[][]> msgs = new ArrayList<>();
                        for (int i = 0; block.containsKey("msg_" + i + "_payload"); i++) {
                            msgs.add(new byte[][] {
                                Hex.decode(block.get("msg_" + i + "_payload")),
                                Hex.decode(block.get("msg_" + i + "_ciphertext"))
                            });
                        }
                        out.add(new Vector(
                                f.getFileName() + "#" + n,
                                Hex.decode(block.getOrDefault("prologue", "")),
                                Hex.decode(block.get("init_static")),
                                Hex.decode(block.get("gen_init_ephemeral")),
                                Hex.decode(block.get("resp_static")),
                                Hex.decode(block.get("gen_resp_ephemeral")),
                                Hex.decode(block.get("preshared_key")),
                                null,
                                msgs));
                    }
                    block.clear();
                }
                continue;
            }
            int eq = line.indexOf('=');
            block.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return out;
    }

    private static byte[] hex(JsonNode n) {
        return n == null || n.isNull() ? new byte[0] : Hex.decode(n.asString());
    }
}
