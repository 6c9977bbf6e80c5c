package dev.psk.tunnel.hub;

import dev.psk.common.Secrets;
import dev.psk.tunnel.noise.NoiseHash;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The restart hint (message type 5, 20 bytes): a restarted hub tells a client "the session of
 * your handshake with timestamp T is gone, handshake again". It is a MAC and nothing else:
 *
 * <pre>
 * key  = HMAC-SHA-256(ClientPSK, "psk-tunnel hub restart hint v1" || hub public key || client public key)
 * hint = 05 00 00 00 || first 16 bytes of HMAC-SHA-256(key, 05 00 00 00 || T)
 * </pre>
 *
 * where T is the TAI64N label of the client's message 1 that the hub accepted last (12 bytes, kept
 * in the hub's state file; the client remembers the label of its current session and of its pending
 * handshake). Only the hub and that client know the PSK, so nobody else can make a hint; T is not
 * on the wire (it travels encrypted in message 1), so the hint says nothing to an observer; and a
 * hint names one handshake of the client, which the client acts on at most once (docs/hub.md,
 * "Recovery from a hub restart").
 *
 * <p>Thread-safety: not thread-safe; one instance per thread. The key is wiped by {@link #close}.
 */
final class RestartHint implements AutoCloseable {
    private static final byte[] LABEL = "psk-tunnel hub restart hint v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEADER = {HubWire.TYPE_RESTART_HINT, 0, 0, 0};

    private final byte[] key;
    private final Mac mac;
    private final byte[] out = new byte[NoiseHash.HASH_BYTES];

    /** The hint key of one client: from its PSK and both public keys. {@code psk} is not kept. */
    RestartHint(byte[] psk, byte[] hubPublicKey, byte[] clientPublicKey) {
        this.key = NoiseHash.hmac(psk, LABEL, hubPublicKey, clientPublicKey);
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The 20-byte hint for the handshake labelled {@code timestamp}. */
    byte[] write(byte[] timestamp) {
        byte[] hint = new byte[HubWire.RESTART_HINT_BYTES];
        System.arraycopy(HEADER, 0, hint, 0, HEADER.length);
        compute(timestamp);
        System.arraycopy(out, 0, hint, HubWire.RESTART_HINT_MAC_OFFSET, HubWire.MAC_BYTES);
        return hint;
    }

    /** True when {@code msg[0, n)} is the hint for the handshake labelled {@code timestamp} (constant-time compare). */
    boolean matches(byte[] msg, int n, byte[] timestamp) {
        if (timestamp == null
                || n != HubWire.RESTART_HINT_BYTES
                || !HubWire.hasHeader(msg, n, HubWire.TYPE_RESTART_HINT)) {
            return false;
        }
        compute(timestamp);
        return Secrets.equal(out, 0, msg, HubWire.RESTART_HINT_MAC_OFFSET, HubWire.MAC_BYTES);
    }

    private void compute(byte[] timestamp) {
        mac.update(HEADER);
        mac.update(timestamp, 0, Tai64n.BYTES);
        try {
            mac.doFinal(out, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        Arrays.fill(key, (byte) 0);
        Arrays.fill(out, (byte) 0);
    }
}
