package dev.psk.tunnel.handshake;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The session-key formulas of docs/protocol.md (sections 3.2, 3.3 and 3.8) written a second time,
 * from the text, with nothing but the JDK's {@code Mac}, {@code MessageDigest}, {@code
 * KeyAgreement} and {@code Cipher}: no class of the implementation, no constant of {@link
 * HandshakeWire}. {@link SessionKeyVectorsTest} checks the committed vectors against both, so a
 * vector that only agrees with the code (a bug frozen into the file) fails here.
 */
final class SessionKeyFormulas {
    private SessionKeyFormulas() {}

    static byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** RFC 5869 HKDF-Expand with L = 32: the single block T(1) = HMAC(PRK, info || 0x01). */
    static byte[] expand32(byte[] prk, byte[]... info) {
        byte[][] parts = Arrays.copyOf(info, info.length + 1);
        parts[info.length] = new byte[] {1};
        return hmac(prk, parts);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                d.update(p);
            }
            return d.digest();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** PRK = HKDF-Extract(salt = "psk-tunnel/v1 handshake", IKM = control slot). */
    static byte[] handshakePrk(byte[] controlSlot) {
        return hmac(ascii("psk-tunnel/v1 handshake"), controlSlot);
    }

    static byte[] keyI2r(byte[] prk) {
        return expand32(prk, ascii("psk-tunnel/v1 hello key initiator->responder"));
    }

    static byte[] keyR2i(byte[] prk) {
        return expand32(prk, ascii("psk-tunnel/v1 hello key responder->initiator"));
    }

    static byte[] sessionPsk(byte[] prk) {
        return expand32(prk, ascii("psk-tunnel/v2 session psk"));
    }

    static byte[] padFingerprint(byte[] controlSlot) {
        return Arrays.copyOf(hmac(controlSlot, ascii("psk-tunnel/v1 pad fingerprint")), 16);
    }

    /** The transcript body, field by field as the table in section 3.3 lists them. */
    static byte[] body(
            byte[] sessionId,
            byte[] nonceI,
            byte[] nonceR,
            byte[] eI,
            byte[] eR,
            byte[] idI,
            byte[] idR,
            byte[] padFp,
            byte[] serialI,
            byte[] serialR,
            int helloFlags,
            int welcomeFlags,
            int epoch) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] f : new byte[][] {sessionId, nonceI, nonceR, eI, eR, idI, idR, padFp}) {
            b.writeBytes(f);
        }
        for (byte[] serial : new byte[][] {serialI, serialR}) {
            b.write(serial.length);
            b.writeBytes(Arrays.copyOf(serial, 16));
        }
        b.write(helloFlags);
        b.write(welcomeFlags);
        b.write(epoch);
        return b.toByteArray();
    }

    /** "psk-tunnel/v2 handshake transcript" || u8 2 || u8 signer_role || body: what the signer signs. */
    static byte[] transcript(int signerRole, byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(ascii("psk-tunnel/v2 handshake transcript"));
        b.write(2);
        b.write(signerRole);
        b.writeBytes(body);
        return b.toByteArray();
    }

    /** X25519(k, u) by the JDK's XDH provider (RFC 7748 decoding of u: little-endian, top bit masked). */
    static byte[] x25519(byte[] scalar, byte[] u) {
        try {
            KeyFactory kf = KeyFactory.getInstance("XDH");
            PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
            byte[] le = u.clone();
            le[31] &= 0x7f;
            byte[] be = new byte[32];
            for (int i = 0; i < 32; i++) {
                be[i] = le[31 - i];
            }
            PublicKey pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, be)));
            KeyAgreement ka = KeyAgreement.getInstance("XDH");
            ka.init(priv);
            ka.doPhase(pub, true);
            return ka.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] x25519Public(byte[] scalar) {
        byte[] nine = new byte[32];
        nine[0] = 9;
        return x25519(scalar, nine);
    }

    /** HKDF-Extract(salt = psk_s, IKM = dh): the PRK the session secret is expanded from. */
    static byte[] sessionPrk(byte[] psk, byte[] dh) {
        return hmac(psk, dh);
    }

    static byte[] sessionSecret(byte[] sessionPrk, byte[] transcriptHash) {
        return expand32(sessionPrk, ascii("psk-tunnel/v2 session secret"), transcriptHash);
    }

    /** Section 3.8: HKDF-Extract(salt = session secret, IKM = the direction's 60 bytes of the slot). */
    static byte[] dataPrk(byte[] sessionSecret, byte[] slotBytes, int direction) {
        return hmac(sessionSecret, Arrays.copyOfRange(slotBytes, 60 * direction, 60 * direction + 60));
    }

    static byte[] dataKey(byte[] dataPrk, long slot, int direction) {
        byte[] info = ByteBuffer.allocate(9).putLong(slot).put((byte) direction).array();
        return expand32(dataPrk, ascii("psk-tunnel/v2 data key"), info);
    }

    /** A PSK2 packet (section 1) under a session key: flags 0x80 | epoch, slot tag and nonce field. */
    static byte[] packet(byte[] key, byte[] slotBytes, int direction, long seq, int flags, byte[] plaintext) {
        int half = 60 * direction;
        ByteBuffer header = ByteBuffer.allocate(32)
                .put(ascii("PSK2"))
                .put((byte) 2)
                .put((byte) flags)
                .put((byte) direction)
                .put((byte) 0)
                .put(slotBytes, half, 16)
                .putLong(seq);
        byte[] nonce = ByteBuffer.allocate(12)
                .put(slotBytes, half + 16, 8)
                .putInt((int) seq)
                .array();
        try {
            Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
            c.updateAAD(header.array());
            byte[] body = c.doFinal(plaintext);
            return ByteBuffer.allocate(32 + body.length)
                    .put(header.array())
                    .put(body)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
