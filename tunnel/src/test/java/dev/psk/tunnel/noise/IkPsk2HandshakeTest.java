package dev.psk.tunnel.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.tunnel.crypto.PresharedKey;
import dev.psk.tunnel.crypto.X25519;
import dev.psk.tunnel.crypto.X25519PrivateKey;
import dev.psk.tunnel.crypto.X25519PublicKey;
import java.lang.reflect.Field;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** IKpsk2 success and failure paths (checklist A and G). */
class IkPsk2HandshakeTest {
    final X25519PrivateKey clientPriv = X25519.generatePrivateKey();
    final X25519PrivateKey serverPriv = X25519.generatePrivateKey();
    final PresharedKey psk = PresharedKey.copyOf(random32());
    final byte[] prologue = "test".getBytes();

    static byte[] random32() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    X25519PublicKey serverPub() {
        return X25519.publicKey(serverPriv);
    }

    X25519PublicKey clientPub() {
        return X25519.publicKey(clientPriv);
    }

    @Test
    void patternIsIkPsk2WithTheSeedsSuite() {
        assertThat(IkPsk2Handshake.PROTOCOL_NAME).isEqualTo("Noise_IKpsk2_25519_ChaChaPoly_SHA256");
    }

    @Test
    void completesAndMapsDirectionsCrosswise() throws Exception {
        IkPsk2Handshake i = IkPsk2Handshake.initiator(prologue, clientPriv, serverPub(), psk);
        IkPsk2Handshake r = IkPsk2Handshake.responder(prologue, serverPriv);
        byte[] m1 = i.writeMessage1("hello".getBytes());
        AtomicInteger lookups = new AtomicInteger();
        byte[] p1 = r.readMessage1(m1, key -> {
            lookups.incrementAndGet();
            // The responder learns the initiator's configured static key, not an ephemeral one.
            assertThat(key).isEqualTo(clientPub());
            return psk;
        });
        assertThat(p1).isEqualTo("hello".getBytes());
        assertThat(lookups).hasValue(1);
        assertThat(r.remoteStatic()).isEqualTo(clientPub());
        byte[] m2 = r.writeMessage2(new byte[0]);
        assertThat(i.readMessage2(m2)).isEmpty();
        assertThat(i.handshakeHash()).isEqualTo(r.handshakeHash());
        CipherState[] ic = i.split();
        CipherState[] rc = r.split();
        // c2s: initiator's send = responder's receive; s2c the other way; and the two differ.
        byte[] c2s = ic[0].encryptWithAd(new byte[0], "up".getBytes());
        assertThat(rc[1].decryptWithAd(new byte[0], c2s)).isEqualTo("up".getBytes());
        byte[] s2c = rc[0].encryptWithAd(new byte[0], "down".getBytes());
        assertThat(ic[1].decryptWithAd(new byte[0], s2c)).isEqualTo("down".getBytes());
        assertThat(ic[0].keyCopy()).isNotEqualTo(ic[1].keyCopy());
        CipherState fresh = new CipherState();
        fresh.initializeKey(ic[1].keyCopy());
        assertThatThrownBy(() -> fresh.decryptWithAd(new byte[0], c2s)).isInstanceOf(NoiseException.class);
    }

    @Test
    void wrongPskFailsAtMessage2OnTheInitiator() throws Exception {
        IkPsk2Handshake i = IkPsk2Handshake.initiator(prologue, clientPriv, serverPub(), psk);
        IkPsk2Handshake r = IkPsk2Handshake.responder(prologue, serverPriv);
        r.readMessage1(i.writeMessage1(new byte[0]), k -> PresharedKey.copyOf(random32()));
        byte[] m2 = r.writeMessage2(new byte[0]);
        assertThatThrownBy(() -> i.readMessage2(m2))
                .isInstanceOf(NoiseException.class)
                .extracting(e -> ((NoiseException) e).reason())
                .isEqualTo(NoiseException.Reason.DECRYPT_FAILED);
        assertThatThrownBy(i::split).isInstanceOf(NoiseException.class);
    }

    @Test
    void unknownStaticKeyAbortsInsideMessage1() throws Exception {
        IkPsk2Handshake i = IkPsk2Handshake.initiator(prologue, clientPriv, serverPub(), psk);
        IkPsk2Handshake r = IkPsk2Handshake.responder(prologue, serverPriv);
        byte[] m1 = i.writeMessage1(new byte[0]);
        assertThatThrownBy(() -> r.readMessage1(m1, k -> {
                    throw new NoiseException(NoiseException.Reason.UNKNOWN_STATIC_KEY, "unknown");
                }))
                .extracting(e -> ((NoiseException) e).reason())
                .isEqualTo(NoiseException.Reason.UNKNOWN_STATIC_KEY);
        assertThatThrownBy(() -> r.writeMessage2(new byte[0])).isInstanceOf(NoiseException.class);
    }

    @Test
    void anyFlippedBitOfMessage1OrMessage2Aborts() throws Exception {
        byte[] m1 = IkPsk2Handshake.initiator(prologue, clientPriv, serverPub(), psk)
                .writeMessage1("x".getBytes());
        for (int bit = 0; bit < m1.length * 8; bit += 7) {
            byte[] t = m1.clone();
            t[bit / 8] ^= (byte) (1 << (bit % 8));
            IkPsk2Handshake r = IkPsk2Handshake.responder(prologue, serverPriv);
            try {
                r.readMessage1(t, k -> psk);
                throw new AssertionError("tampered message 1 accepted at bit " + bit);
            } catch (NoiseException expected) {
                // aborts
            }
        }
        IkPsk2Handshake i = IkPsk2Handshake.initiator(prologue, clientPriv, serverPub(), psk);
        IkPsk2Handshake r = IkPsk2Handshake.responder(prologue, serverPriv);
        r.readMessage1(i.writeMessage1(new byte[0]), k -> psk);
        byte[] m2 = r.writeMessage2(new byte[0]);
        m2[40] ^= 1;
        assertThatThrownBy(() -> i.readMessage2(m2)).isInstanceOf(NoiseException.class);
    }

    @Test
    void differentProloguesDoNotInteroperate() throws Exception {
        IkPsk2Handshake i = IkPsk2Handshake.initiator("a".getBytes(), clientPriv, serverPub(), psk);
        IkPsk2Handshake r = IkPsk2Handshake.responder("b".getBytes(), serverPriv);
        byte[] m1 = i.writeMessage1(new byte[0]);
        assertThatThrownBy(() -> r.readMessage1(m1, k -> psk)).isInstanceOf(NoiseException.class);
    }

    @Test
    void keysExistOnlyAfterTheHandshakeCompletes() throws Exception {
        IkPsk2Handshake i = IkPsk2Handshake.initiator(prologue, clientPriv, serverPub(), psk);
        assertThatThrownBy(i::split).isInstanceOf(NoiseException.class);
        i.writeMessage1(new byte[0]);
        assertThatThrownBy(i::split)
                .extracting(e -> ((NoiseException) e).reason())
                .isEqualTo(NoiseException.Reason.WRONG_STATE);
        assertThatThrownBy(() -> i.writeMessage1(new byte[0])).isInstanceOf(NoiseException.class);
    }

    @Test
    void shortOrWrongLengthInputsAreMalformed() throws Exception {
        IkPsk2Handshake r = IkPsk2Handshake.responder(prologue, serverPriv);
        assertThatThrownBy(() -> r.readMessage1(new byte[IkPsk2Handshake.MESSAGE1_OVERHEAD_BYTES - 1], k -> psk))
                .extracting(e -> ((NoiseException) e).reason())
                .isEqualTo(NoiseException.Reason.MALFORMED);
        // Wrong lengths cannot reach the handshake: the typed keys refuse them.
        assertThatThrownBy(() -> PresharedKey.copyOf(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pre-shared key");
        assertThatThrownBy(() -> X25519PrivateKey.copyOf(new byte[33])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lowOrderResponderKeyAborts() {
        X25519PublicKey zeroPoint = X25519PublicKey.fromBytes(new byte[32]);
        assertThatThrownBy(() -> IkPsk2Handshake.initiator(prologue, clientPriv, zeroPoint, psk)
                        .writeMessage1(new byte[0]))
                .extracting(e -> ((NoiseException) e).reason())
                .isEqualTo(NoiseException.Reason.LOW_ORDER_POINT);
    }

    @Test
    void secretsAreZeroedAfterSplitAndAfterFailure() throws Exception {
        IkPsk2Handshake i = IkPsk2Handshake.initiator(prologue, clientPriv, serverPub(), psk);
        IkPsk2Handshake r = IkPsk2Handshake.responder(prologue, serverPriv);
        r.readMessage1(i.writeMessage1(new byte[0]), k -> psk);
        i.readMessage2(r.writeMessage2(new byte[0]));
        i.split();
        r.split();
        for (IkPsk2Handshake h : new IkPsk2Handshake[] {i, r}) {
            for (String f : new String[] {"s", "e", "psk"}) {
                byte[] v = (byte[]) field(h, f);
                if (v != null) {
                    assertThat(v).as(f).containsOnly(0);
                }
            }
            SymmetricState ss = (SymmetricState) field(h, "ss");
            assertThat((byte[]) field(ss, "ck")).containsOnly(0);
            assertThat(((CipherState) field(ss, "cipher")).hasKey()).isFalse();
        }
        // The caller's inputs are copies: never wiped behind its back.
        assertThat(psk.secret().reveal()).isNotEqualTo(new byte[32]);
        assertThat(serverPriv.secret().reveal()).isNotEqualTo(new byte[32]);

        IkPsk2Handshake bad = IkPsk2Handshake.responder(prologue, serverPriv);
        try {
            bad.readMessage1(new byte[200], k -> psk);
        } catch (NoiseException expected) {
            // aborted
        }
        assertThat((byte[]) field(bad, "s")).containsOnly(0);

        CipherState c = new CipherState();
        c.initializeKey(random32());
        byte[] inner = (byte[]) field(c, "key");
        c.close();
        assertThat(inner).containsOnly(0);
        assertThat(c.hasKey()).isFalse();
    }

    @Test
    void nonceExhaustionIsRefused() throws Exception {
        CipherState c = new CipherState();
        c.initializeKey(random32());
        c.setNonce(-1L);
        assertThatThrownBy(() -> c.encryptWithAd(new byte[0], new byte[1]))
                .extracting(e -> ((NoiseException) e).reason())
                .isEqualTo(NoiseException.Reason.NONCE_EXHAUSTED);
        c.setNonce(-2L);
        assertThat(c.encryptWithAd(new byte[0], new byte[1])).hasSize(17);
        assertThat(Arrays.equals(new byte[0], new byte[0])).isTrue();
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    @Test
    void aFailedMessage2LeavesTheHandshakeWaitingForTheGenuineOne() throws Exception {
        IkPsk2Handshake i = IkPsk2Handshake.initiator(prologue, clientPriv, serverPub(), psk);
        IkPsk2Handshake r = IkPsk2Handshake.responder(prologue, serverPriv);
        r.readMessage1(i.writeMessage1(new byte[0]), k -> psk);
        byte[] genuine = r.writeMessage2(new byte[0]);
        byte[] forged = random32();
        forged = Arrays.copyOf(forged, genuine.length);
        assertThatThrownBy(() -> i.readMessage2(Arrays.copyOf(random32(), genuine.length)))
                .isInstanceOf(NoiseException.class);
        byte[] corrupted = genuine.clone();
        corrupted[corrupted.length - 1] ^= 1;
        assertThatThrownBy(() -> i.readMessage2(corrupted)).isInstanceOf(NoiseException.class);
        assertThat(forged).hasSize(genuine.length);
        assertThat(i.readMessage2(genuine)).isEmpty();
        assertThat(i.handshakeHash()).isEqualTo(r.handshakeHash());
    }

    @Test
    void aPrecomputedStaticStaticDhGivesTheSameHandshake() throws Exception {
        byte[] ss = X25519.scalarMult(serverPriv.secret().reveal(), clientPub().bytes());
        IkPsk2Handshake i = IkPsk2Handshake.initiator(prologue, clientPriv, serverPub(), psk);
        IkPsk2Handshake r = IkPsk2Handshake.responder(prologue, serverPriv);
        assertThat(r.readMessage1(i.writeMessage1("hi".getBytes()), StaticKeyChecks.withStaticStatic(psk, ss)))
                .isEqualTo("hi".getBytes());
        assertThat(i.readMessage2(r.writeMessage2(new byte[0]))).isEmpty();
        assertThat(i.handshakeHash()).isEqualTo(r.handshakeHash());
        // The cache stays the caller's: the handshake neither wipes nor changes it.
        assertThat(ss)
                .isEqualTo(X25519.scalarMult(
                        serverPriv.secret().reveal(), clientPub().bytes()));
    }

    @Test
    void aWrongPrecomputedStaticStaticDhIsUsedAndFails() throws Exception {
        IkPsk2Handshake i = IkPsk2Handshake.initiator(prologue, clientPriv, serverPub(), psk);
        IkPsk2Handshake r = IkPsk2Handshake.responder(prologue, serverPriv);
        byte[] m1 = i.writeMessage1("hi".getBytes());
        assertThatThrownBy(() -> r.readMessage1(m1, StaticKeyChecks.withStaticStatic(psk, random32())))
                .extracting(e -> ((NoiseException) e).reason())
                .isEqualTo(NoiseException.Reason.DECRYPT_FAILED);
        IkPsk2Handshake r2 = IkPsk2Handshake.responder(prologue, serverPriv);
        assertThatThrownBy(() -> r2.readMessage1(m1, StaticKeyChecks.withStaticStatic(psk, new byte[31])))
                .extracting(e -> ((NoiseException) e).reason())
                .isEqualTo(NoiseException.Reason.MALFORMED);
    }
}
