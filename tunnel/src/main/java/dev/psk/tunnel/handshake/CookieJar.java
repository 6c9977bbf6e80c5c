package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

import dev.psk.common.Secrets;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

/**
 * The responder's stateless return-routability cookies (docs/protocol.md 3.4):
 * {@code cookie = HMAC-SHA256(secret, "psk-tunnel/v2 cookie" || source IP (4 or 16 bytes) || u16 port)[0:16]}.
 * The secret is random, never leaves this process and is replaced every
 * {@link HandshakeWire#COOKIE_ROTATION}; the previous one is still accepted, so a cookie lives
 * between one and two rotations. Only someone who receives at a source address learns its cookie.
 *
 * <p>Not thread-safe: owned by the responder's thread.
 */
final class CookieJar {
    private final SecureRandom random;
    private final byte[] context = HandshakeKeys.ascii(COOKIE_CONTEXT);
    private final byte[] out = new byte[32];
    private Mac current;
    private Mac previous;
    private Instant rotated;

    CookieJar(SecureRandom random, Instant now) {
        this.random = random;
        this.current = freshMac();
        this.rotated = now;
    }

    private Mac freshMac() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        try {
            return Hkdf.hmac(k);
        } finally {
            Secrets.wipe(k);
        }
    }

    private void rotate(Instant now) {
        if (!now.isBefore(rotated.plus(COOKIE_ROTATION))) {
            previous = current;
            current = freshMac();
            rotated = now;
        }
    }

    /** The cookie for {@code source} under the current secret. */
    byte[] cookieFor(InetSocketAddress source, Instant now) {
        rotate(now);
        return compute(current, source).clone();
    }

    /** Whether {@code m[off, off+16)} is the cookie of {@code source} under the current or previous secret. */
    boolean valid(byte[] m, int off, InetSocketAddress source, Instant now) {
        rotate(now);
        boolean ok = Secrets.equal(m, off, compute(current, source), 0, COOKIE_BYTES);
        if (previous != null) {
            ok |= Secrets.equal(m, off, compute(previous, source), 0, COOKIE_BYTES);
        }
        return ok;
    }

    private byte[] compute(Mac mac, InetSocketAddress source) {
        mac.update(context);
        mac.update(source.getAddress().getAddress());
        mac.update((byte) (source.getPort() >>> 8));
        mac.update((byte) source.getPort());
        try {
            mac.doFinal(out, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        return java.util.Arrays.copyOf(out, COOKIE_BYTES);
    }
}
