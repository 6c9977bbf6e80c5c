package dev.psk.tunnel.noise;

import dev.psk.tunnel.crypto.LowOrderPointException;
import dev.psk.tunnel.crypto.PresharedKey;
import dev.psk.tunnel.crypto.X25519;
import dev.psk.tunnel.crypto.X25519PrivateKey;
import dev.psk.tunnel.crypto.X25519PublicKey;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * The Noise pattern {@code IKpsk2} (Noise revision 34, sections 7.5 and 9.4) with X25519,
 * ChaChaPoly and SHA-256:
 *
 * <pre>
 *   IKpsk2:
 *     &lt;- s
 *     ...
 *     -&gt; e, es, s, ss
 *     &lt;- e, ee, se, psk
 * </pre>
 *
 * In a PSK handshake the {@code e} token also runs MixKey(e.public_key) (section 9.2). The
 * responder learns the initiator's static key after {@code es}, before {@code ss}: {@link
 * #readMessage1} hands it to a {@link StaticKeyCheck} which must return that client's PSK or refuse,
 * so an unknown key costs one DH and no more. Session keys exist only after message 2 is written
 * or read ({@link #split}).
 *
 * <p>Thread-safety: not thread-safe; one handshake per instance. {@link #close} wipes every secret.
 */
public final class IkPsk2Handshake implements AutoCloseable {
    public static final String PROTOCOL_NAME = "Noise_IKpsk2_25519_ChaChaPoly_SHA256";
    public static final int KEY_BYTES = X25519.KEY_BYTES;
    public static final int PSK_BYTES = 32;
    /** Message 1 without payload: e, encrypted s with tag, payload tag. */
    public static final int MESSAGE1_OVERHEAD_BYTES =
            KEY_BYTES + KEY_BYTES + CipherState.TAG_BYTES + CipherState.TAG_BYTES;
    /** Message 2 without payload: e, payload tag. */
    public static final int MESSAGE2_OVERHEAD_BYTES = KEY_BYTES + CipherState.TAG_BYTES;

    /** Decides, from the initiator's static public key, whether the handshake goes on. */
    @FunctionalInterface
    public interface StaticKeyCheck {
        /**
         * @return the PSK shared with this initiator, never null; the handshake copies it (and
         *     wipes its copy) and leaves the key itself to the caller
         * @throws NoiseException UNKNOWN_STATIC_KEY (or another reason) to abort before any further DH
         */
        PresharedKey pskFor(X25519PublicKey initiatorStatic) throws NoiseException;

        /**
         * The {@code ss} DH, X25519(responder static, {@code initiatorStatic}), when the caller keeps
         * it per initiator (as WireGuard precomputes its static-static secret per peer): it depends
         * only on the two static keys, so a responder that caches it saves one of the five scalar
         * multiplications of every handshake. Called only after {@link #pskFor} accepted the key.
         *
         * @return 32 bytes that stay the caller's (the handshake neither keeps nor wipes them), or
         *     null to have the handshake compute the DH itself
         * @throws NoiseException to abort (a low-order initiator key)
         */
        default byte[] staticStaticFor(X25519PublicKey initiatorStatic) throws NoiseException {
            return null;
        }
    }

    public enum Role {
        INITIATOR,
        RESPONDER
    }

    private enum Step {
        WRITE1,
        READ1,
        WRITE2,
        READ2,
        DONE,
        FAILED
    }

    private final Role role;
    private SymmetricState ss;
    private final byte[] s;
    private final byte[] sPub;
    private byte[] e;
    private byte[] ePub;
    private byte[] rs;
    private byte[] re;
    private byte[] psk;
    private byte[] hashBeforePayload1;
    private final byte[] fixedEphemeral;
    private Step step;

    private IkPsk2Handshake(
            Role role, byte[] prologue, byte[] staticPrivate, byte[] remoteStatic, byte[] psk, byte[] fixedEphemeral)
            throws NoiseException {
        this(role, prologue, staticPrivate, null, remoteStatic, psk, fixedEphemeral);
    }

    private IkPsk2Handshake(
            Role role,
            byte[] prologue,
            byte[] staticPrivate,
            byte[] staticPublic,
            byte[] remoteStatic,
            byte[] psk,
            byte[] fixedEphemeral)
            throws NoiseException {
        this.role = role;
        this.ss = new SymmetricState(PROTOCOL_NAME);
        this.s = checkLength(staticPrivate, "static private key").clone();
        this.sPub = staticPublic != null
                ? checkLength(staticPublic, "static public key").clone()
                : publicOf(s);
        this.fixedEphemeral = fixedEphemeral == null
                ? null
                : checkLength(fixedEphemeral, "ephemeral private key").clone();
        ss.mixHash(prologue == null ? new byte[0] : prologue);
        if (role == Role.INITIATOR) {
            this.rs = checkLength(remoteStatic, "responder static public key").clone();
            this.psk = checkLength(psk, "PSK").clone();
            ss.mixHash(rs);
            step = Step.WRITE1;
        } else {
            ss.mixHash(sPub);
            step = Step.READ1;
        }
    }

    /**
     * An initiator that knows the responder's static key {@code responderStatic} and shares {@code
     * psk} with it. The handshake keeps copies of the secrets (wiped by {@link #close}); the
     * caller's keys stay the caller's.
     */
    public static IkPsk2Handshake initiator(
            byte[] prologue, X25519PrivateKey staticPrivate, X25519PublicKey responderStatic, PresharedKey psk)
            throws NoiseException {
        return new IkPsk2Handshake(
                Role.INITIATOR,
                prologue,
                staticPrivate.secret().reveal(),
                responderStatic.bytes(),
                psk.secret().reveal(),
                null);
    }

    public static IkPsk2Handshake responder(byte[] prologue, X25519PrivateKey staticPrivate) throws NoiseException {
        return new IkPsk2Handshake(
                Role.RESPONDER, prologue, staticPrivate.secret().reveal(), null, null, null);
    }

    /**
     * A responder whose public key the caller already derived from {@code staticPrivate}: saves
     * one scalar multiplication per message 1.
     */
    public static IkPsk2Handshake responder(
            byte[] prologue, X25519PrivateKey staticPrivate, X25519PublicKey staticPublic) throws NoiseException {
        return new IkPsk2Handshake(
                Role.RESPONDER, prologue, staticPrivate.secret().reveal(), staticPublic.bytes(), null, null, null);
    }

    /** Test vectors only: a fixed ephemeral private key destroys forward secrecy and unlinkability. */
    public static IkPsk2Handshake insecureWithFixedEphemeralForTesting(
            Role role,
            byte[] prologue,
            X25519PrivateKey staticPrivate,
            X25519PublicKey responderStatic,
            PresharedKey psk,
            X25519PrivateKey ephemeralPrivate)
            throws NoiseException {
        return new IkPsk2Handshake(
                role,
                prologue,
                staticPrivate.secret().reveal(),
                responderStatic == null ? null : responderStatic.bytes(),
                psk == null ? null : psk.secret().reveal(),
                ephemeralPrivate.secret().reveal());
    }

    public Role role() {
        return role;
    }

    /** -&gt; e, es, s, ss, payload. {@code payloadForHash} receives h just before the payload is encrypted. */
    public byte[] writeMessage1(UnaryOperator<byte[]> payloadForHash) throws NoiseException {
        expect(Step.WRITE1);
        try {
            newEphemeral();
            byte[] es = dh(e, rs);
            ss.mixKey(es);
            Arrays.fill(es, (byte) 0);
            byte[] encS = ss.encryptAndHash(sPub);
            byte[] ssDh = dh(s, rs);
            ss.mixKey(ssDh);
            Arrays.fill(ssDh, (byte) 0);
            byte[] payload = payloadForHash.apply(ss.handshakeHash());
            byte[] encP = ss.encryptAndHash(payload);
            step = Step.READ2;
            return concat(ePub, encS, encP);
        } catch (NoiseException | RuntimeException ex) {
            fail();
            throw ex;
        }
    }

    public byte[] writeMessage1(byte[] payload) throws NoiseException {
        return writeMessage1(h -> payload);
    }

    /** Reads message 1; {@code check} sees the initiator's key after one DH and supplies its PSK. */
    public byte[] readMessage1(byte[] message, StaticKeyCheck check) throws NoiseException {
        expect(Step.READ1);
        try {
            if (message.length < MESSAGE1_OVERHEAD_BYTES) {
                throw new NoiseException(
                        NoiseException.Reason.MALFORMED,
                        "message 1: expected at least " + MESSAGE1_OVERHEAD_BYTES + " bytes, got " + message.length);
            }
            re = Arrays.copyOfRange(message, 0, KEY_BYTES);
            ss.mixHash(re);
            ss.mixKey(re);
            byte[] es = dh(s, re);
            ss.mixKey(es);
            Arrays.fill(es, (byte) 0);
            rs = ss.decryptAndHash(Arrays.copyOfRange(message, KEY_BYTES, 2 * KEY_BYTES + CipherState.TAG_BYTES));
            X25519PublicKey initiator = X25519PublicKey.fromBytes(rs);
            psk = checkLength(check.pskFor(initiator).secret().copy(), "PSK");
            byte[] cached = check.staticStaticFor(initiator);
            if (cached != null) {
                ss.mixKey(checkLength(cached, "precomputed static-static DH"));
            } else {
                byte[] ssDh = dh(s, rs);
                ss.mixKey(ssDh);
                Arrays.fill(ssDh, (byte) 0);
            }
            hashBeforePayload1 = ss.handshakeHash();
            byte[] payload = ss.decryptAndHash(
                    Arrays.copyOfRange(message, 2 * KEY_BYTES + CipherState.TAG_BYTES, message.length));
            step = Step.WRITE2;
            return payload;
        } catch (NoiseException | RuntimeException ex) {
            fail();
            throw ex;
        }
    }

    /** &lt;- e, ee, se, psk, payload. */
    public byte[] writeMessage2(byte[] payload) throws NoiseException {
        expect(Step.WRITE2);
        try {
            newEphemeral();
            byte[] ee = dh(e, re);
            ss.mixKey(ee);
            Arrays.fill(ee, (byte) 0);
            byte[] se = dh(e, rs);
            ss.mixKey(se);
            Arrays.fill(se, (byte) 0);
            ss.mixKeyAndHash(psk);
            byte[] encP = ss.encryptAndHash(payload);
            step = Step.DONE;
            return concat(ePub, encP);
        } catch (NoiseException | RuntimeException ex) {
            fail();
            throw ex;
        }
    }

    /**
     * &lt;- e, ee, se, psk, payload, on a copy of the state: a message 2 that fails (forged,
     * corrupted, low-order e) leaves this handshake waiting for the genuine one, so an attacker who
     * can inject datagrams cannot cancel a pending handshake.
     */
    public byte[] readMessage2(byte[] message) throws NoiseException {
        expect(Step.READ2);
        if (message.length < MESSAGE2_OVERHEAD_BYTES) {
            throw new NoiseException(
                    NoiseException.Reason.MALFORMED,
                    "message 2: expected at least " + MESSAGE2_OVERHEAD_BYTES + " bytes, got " + message.length);
        }
        SymmetricState trial = ss.copy();
        try {
            byte[] rePub = Arrays.copyOfRange(message, 0, KEY_BYTES);
            trial.mixHash(rePub);
            trial.mixKey(rePub);
            byte[] ee = dh(e, rePub);
            trial.mixKey(ee);
            Arrays.fill(ee, (byte) 0);
            byte[] se = dh(s, rePub);
            trial.mixKey(se);
            Arrays.fill(se, (byte) 0);
            trial.mixKeyAndHash(psk);
            byte[] payload = trial.decryptAndHash(Arrays.copyOfRange(message, KEY_BYTES, message.length));
            ss.close();
            ss = trial;
            re = rePub;
            step = Step.DONE;
            return payload;
        } catch (NoiseException | RuntimeException ex) {
            trial.close();
            throw ex;
        }
    }

    /** The initiator's static public key, known to a responder after message 1 (null before). */
    public X25519PublicKey remoteStatic() {
        return rs == null ? null : X25519PublicKey.fromBytes(rs);
    }

    public X25519PublicKey localStaticPublic() {
        return X25519PublicKey.fromBytes(sPub);
    }

    /** Noise's DH: X25519, an all-zero result (a low-order peer key) refused. */
    private static byte[] dh(byte[] privateKey, byte[] publicKey) throws NoiseException {
        try {
            return X25519.scalarMult(privateKey, publicKey);
        } catch (LowOrderPointException e) {
            throw new NoiseException(
                    NoiseException.Reason.LOW_ORDER_POINT, "X25519: peer public key has small order", e);
        }
    }

    private static byte[] publicOf(byte[] privateKey) {
        try (X25519PrivateKey k = X25519PrivateKey.copyOf(privateKey)) {
            return X25519.publicKey(k).bytes();
        }
    }

    /** The current handshake hash h. */
    public byte[] handshakeHash() {
        return ss.handshakeHash();
    }

    /** On a responder after message 1: the h the initiator passed to its payload function. */
    public byte[] message1PayloadHash() {
        return hashBeforePayload1 == null ? null : hashBeforePayload1.clone();
    }

    public boolean isComplete() {
        return step == Step.DONE;
    }

    /**
     * Ends the handshake: {@code [send, receive]} for this side (the initiator sends with the
     * first Split output). Wipes all handshake secrets.
     */
    public CipherState[] split() throws NoiseException {
        expect(Step.DONE);
        CipherState[] c = ss.split();
        close();
        return role == Role.INITIATOR ? c : new CipherState[] {c[1], c[0]};
    }

    private void newEphemeral() throws NoiseException {
        if (fixedEphemeral != null) {
            e = fixedEphemeral.clone();
        } else {
            try (X25519PrivateKey k = X25519.generatePrivateKey()) {
                e = k.secret().copy();
            }
        }
        ePub = publicOf(e);
        ss.mixHash(ePub);
        ss.mixKey(ePub);
    }

    private void expect(Step wanted) throws NoiseException {
        if (step != wanted) {
            throw new NoiseException(
                    NoiseException.Reason.WRONG_STATE, "handshake: expected step " + wanted + ", at " + step);
        }
    }

    private void fail() {
        step = Step.FAILED;
        close();
    }

    private static byte[] checkLength(byte[] k, String what) throws NoiseException {
        if (k == null || k.length != KEY_BYTES) {
            throw new NoiseException(
                    NoiseException.Reason.MALFORMED,
                    what + ": expected 32 bytes, got " + (k == null ? "none" : k.length));
        }
        return k;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    /** Wipes private keys, the PSK and the symmetric state. Idempotent. */
    @Override
    public void close() {
        for (byte[] b : new byte[][] {s, e, psk, fixedEphemeral}) {
            if (b != null) {
                Arrays.fill(b, (byte) 0);
            }
        }
        ss.close();
    }

    @Override
    public String toString() {
        return "IkPsk2Handshake[" + role + ", " + step + "]";
    }
}
