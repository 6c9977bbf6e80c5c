package dev.psk.tunnel.noise;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.psk.tunnel.crypto.PresharedKey;
import dev.psk.tunnel.crypto.X25519PrivateKey;
import java.util.Arrays;

/**
 * Fuzz target for reading Noise IKpsk2 messages: the first input byte picks message 1 (read by a
 * responder, as the hub does) or message 2 (read by an initiator that has sent message 1); the rest
 * is the message. Contract: a read returns or throws {@link NoiseException}, nothing else. Keys are
 * fixed so that every run is reproducible. In {@code mvn verify} the corpus under
 * NoiseMessageFuzzTestInputs is replayed; JAZZER_FUZZ=1 fuzzes.
 */
class NoiseMessageFuzzTest {
    private static final byte[] PROLOGUE = "psk-fuzz".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final X25519PrivateKey CLIENT = X25519PrivateKey.takeOwnership(key(1));
    private static final X25519PrivateKey HUB = X25519PrivateKey.takeOwnership(key(2));
    private static final PresharedKey PSK = PresharedKey.takeOwnership(key(3));

    private static byte[] key(int v) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) (0x40 + v));
        return k;
    }

    @FuzzTest(maxDuration = "10m")
    void readMessage(byte[] data) throws NoiseException {
        if (data.length == 0) {
            return;
        }
        byte[] message = Arrays.copyOfRange(data, 1, data.length);
        try {
            if ((data[0] & 1) == 0) {
                try (IkPsk2Handshake r = IkPsk2Handshake.responder(PROLOGUE, HUB)) {
                    r.readMessage1(message, staticKey -> PSK);
                }
            } else {
                try (IkPsk2Handshake i = IkPsk2Handshake.initiator(PROLOGUE, CLIENT, HUB.publicKey(), PSK)) {
                    i.writeMessage1(new byte[12]);
                    i.readMessage2(message);
                }
            }
        } catch (NoiseException expected) {
            // the one typed rejection
        }
    }
}
