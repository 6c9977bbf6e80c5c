package dev.psk.tunnel.hub;

import dev.psk.tunnel.crypto.LowOrderPointException;
import dev.psk.tunnel.crypto.PresharedKey;
import dev.psk.tunnel.crypto.X25519PrivateKey;
import dev.psk.tunnel.crypto.X25519PublicKey;
import dev.psk.tunnel.noise.CipherState;
import dev.psk.tunnel.noise.IkPsk2Handshake;
import dev.psk.tunnel.noise.NoiseException;
import dev.psk.tunnel.ratelimit.RateLimiter;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The hub's side of a handshake: message 1 in (mac1 already checked), message 2 out, a session
 * born. Authorization happens inside the Noise read, right after the initiator's static key is
 * decrypted and before the second DH: an unknown or disabled key ends the handshake there. Then a
 * pinned hardware identity must have signed the handshake hash, the TAI64N timestamp must be newer
 * than any accepted from that key, and only then is the key's rate charged (so replays cost the
 * client nothing).
 *
 * <p>Thread-safety: safe for concurrent use by handshake workers.
 */
final class HubResponder implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HubResponder.class.getName());

    /** Outcome of one message 1. */
    record Outcome(HubDropReason refused, Session session, ClientState state, AllowedClient client, byte[] response) {}

    private final X25519PrivateKey hubPrivate;
    private final X25519PublicKey hubPublic;
    private final Supplier<HubPolicy> policy;
    private final SessionTable table;
    private final RateLimiter<java.nio.ByteBuffer> perKey;

    HubResponder(
            X25519PrivateKey hubPrivate,
            X25519PublicKey hubPublic,
            Supplier<HubPolicy> policy,
            SessionTable table,
            RateLimiter<java.nio.ByteBuffer> perKey) {
        this.hubPrivate = hubPrivate;
        this.hubPublic = hubPublic;
        this.policy = policy;
        this.table = table;
        this.perKey = perKey;
    }

    Outcome respond(byte[] msg, int n, InetSocketAddress source, long now) {
        HubDropReason[] why = {HubDropReason.HANDSHAKE_FAILED};
        HubPolicy.Entry[] who = new HubPolicy.Entry[1];
        String[] unknown = {null};
        PresharedKey[] issued = {null};
        int senderIndex = HubWire.getIntLE(msg, HubWire.INIT_SENDER_OFFSET);
        byte[] noise = Arrays.copyOfRange(msg, HubWire.INIT_NOISE_OFFSET, HubWire.mac1Offset(n));
        try (IkPsk2Handshake hs = IkPsk2Handshake.responder(HubWire.PROLOGUE, hubPrivate, hubPublic)) {
            HubPolicy p = policy.get();
            byte[] payload = hs.readMessage1(noise, new IkPsk2Handshake.StaticKeyCheck() {
                @Override
                public PresharedKey pskFor(X25519PublicKey key) throws NoiseException {
                    HubPolicy.Entry e = p.byKey(key.bytes());
                    if (e == null) {
                        why[0] = HubDropReason.UNKNOWN_KEY;
                        unknown[0] = AllowedClient.fingerprint(key.bytes());
                        throw new NoiseException(NoiseException.Reason.UNKNOWN_STATIC_KEY, "unknown client key");
                    }
                    if (!e.client().enabled()) {
                        why[0] = HubDropReason.DISABLED_KEY;
                        who[0] = e;
                        throw new NoiseException(NoiseException.Reason.UNKNOWN_STATIC_KEY, "disabled client key");
                    }
                    who[0] = e;
                    issued[0] = PresharedKey.takeOwnership(e.client().psk());
                    return issued[0];
                }

                @Override
                public byte[] staticStaticFor(X25519PublicKey key) throws NoiseException {
                    try {
                        return who[0].state().staticStatic(hubPrivate);
                    } catch (LowOrderPointException ex) {
                        throw new NoiseException(
                                NoiseException.Reason.LOW_ORDER_POINT, "client key has small order", ex);
                    }
                }
            });
            HubPolicy.Entry e = who[0];
            if (!checkPayload(hs, e.client(), payload)) {
                return refuse(HubDropReason.IDENTITY_REFUSED, e, source);
            }
            if (!e.state().acceptTimestamp(Arrays.copyOf(payload, HubWire.TIMESTAMP_BYTES))) {
                return refuse(HubDropReason.REPLAYED_INITIATION, e, source);
            }
            // Charged only now: a replayed message 1 (refused above) must not spend the client's budget.
            if (!perKey.allow(java.nio.ByteBuffer.wrap(e.client().publicKey()))) {
                return refuse(HubDropReason.RATE_LIMITED_KEY, e, source);
            }
            int index = table.reserve();
            if (index == 0) {
                return refuse(HubDropReason.TOO_MANY_SESSIONS, e, source);
            }
            byte[] m2 = hs.writeMessage2(new byte[0]);
            byte[] out = new byte[HubWire.RESPONSE_BYTES];
            out[0] = HubWire.TYPE_RESPONSE;
            HubWire.putIntLE(out, HubWire.RESP_SENDER_OFFSET, index);
            HubWire.putIntLE(out, HubWire.RESP_RECEIVER_OFFSET, senderIndex);
            System.arraycopy(m2, 0, out, HubWire.RESP_NOISE_OFFSET, m2.length);
            new MacKeys(e.client().publicKey()).writeMac1(out, out.length);
            CipherState[] keys = hs.split();
            Session s = new Session(index, senderIndex, e.client().publicKey(), keys, now);
            return new Outcome(null, s, e.state(), e.client(), out);
        } catch (NoiseException ex) {
            if (who[0] == null && why[0] == HubDropReason.HANDSHAKE_FAILED) {
                LOG.fine(() -> "message 1 from " + source + " refused: " + ex.reason());
            }
            return refuse(why[0], who[0], source, unknown[0]);
        } finally {
            if (issued[0] != null) {
                issued[0].close();
            }
        }
    }

    /** Wipes the hub's private key. */
    @Override
    public void close() {
        hubPrivate.close();
    }

    private static boolean checkPayload(IkPsk2Handshake hs, AllowedClient c, byte[] payload) {
        if (payload.length < HubWire.TIMESTAMP_BYTES) {
            return false;
        }
        int rest = payload.length - HubWire.TIMESTAMP_BYTES;
        java.security.interfaces.ECPublicKey pin = c.identityKey();
        if (pin == null) {
            // Client IP or other claims in the payload are never trusted: nothing else is allowed.
            return rest == 0;
        }
        if (rest < HubWire.IDENTITY_LENGTH_BYTES) {
            return false;
        }
        int len = (payload[HubWire.TIMESTAMP_BYTES] & 0xff) | (payload[HubWire.TIMESTAMP_BYTES + 1] & 0xff) << 8;
        if (len != rest - HubWire.IDENTITY_LENGTH_BYTES || len > HubWire.MAX_IDENTITY_BYTES) {
            return false;
        }
        byte[] sig =
                Arrays.copyOfRange(payload, HubWire.TIMESTAMP_BYTES + HubWire.IDENTITY_LENGTH_BYTES, payload.length);
        return IdentityProof.verify(pin, hs.message1PayloadHash(), sig);
    }

    private static final RateLimiter<HubDropReason> LOG_LIMIT = new RateLimiter<>(5, 5, 64, System::nanoTime);

    private static Outcome refuse(HubDropReason r, HubPolicy.Entry e, InetSocketAddress source) {
        return refuse(r, e, source, null);
    }

    /**
     * Logs (at most 5 a second per reason) who was refused and why: the enrolled name and
     * fingerprint of a known client, the fingerprint of an unknown key, the source address. The
     * client is not told (a refusal is silence), so this line is where an operator finds out.
     */
    private static Outcome refuse(HubDropReason r, HubPolicy.Entry e, InetSocketAddress source, String unknownKey) {
        if (LOG_LIMIT.allow(r)) {
            String who = e != null
                    ? "client " + e.state().label()
                    : unknownKey != null ? "unknown key " + unknownKey : "unauthenticated message 1";
            // An enrolled client refused (revoked, replayed, rate-limited, identity) is a warning for
            // journalctl -p warning; unknown keys and unauthenticated messages are the internet's noise.
            LOG.log(
                    e != null ? java.util.logging.Level.WARNING : java.util.logging.Level.INFO,
                    () -> "handshake refused (" + r.label() + "): " + who + " from "
                            + source.getAddress().getHostAddress() + ":" + source.getPort());
        }
        return new Outcome(r, null, null, null, null);
    }
}
