package dev.psk.tunnel.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.SecretBytes;
import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.device.PeerSession;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.testing.TestPads;
import dev.psk.tunnel.wire.Psk2Wire;
import dev.psk.tunnel.wire.Role;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session-bound data keys (docs/protocol.md, "Session-bound data keys"): what a pad alone can and
 * cannot do against a session-keyed tunnel, the epoch in the flags byte, the initiator's deferred
 * switch, the grace of a superseded key, expiry and wiping.
 */
class Psk2SessionKeysTest {
    static final long GRACE = 1_000_000_000L;

    @TempDir
    Path dir;

    final List<AutoCloseable> open = new ArrayList<>();
    final PacketAead aead = PacketAeads.create("jce");
    final ByteBuffer scratch = ByteBuffer.allocate(Psk2Wire.BUFFER_BYTES);

    @AfterEach
    void tearDown() throws Exception {
        java.util.Collections.reverse(open); // sessions (state writers) before their pads
        for (AutoCloseable c : open) {
            c.close();
        }
        aead.close();
    }

    Psk2Session session(Path pad, String state, Role role, SessionKeyring keyring) throws Exception {
        PadFile p = PadFile.open(pad);
        open.add(p);
        Psk2Session s = Psk2Session.open(p, dir.resolve(state), role, 4096, keyring, m -> {});
        open.add(s::close);
        return s;
    }

    byte[] seal(Psk2Session s, byte[] payload, List<DropReason> drops) {
        scratch.put(PeerSession.HEADROOM, payload);
        DropReason r = s.seal(scratch, payload.length, aead);
        if (r != null) {
            drops.add(r);
            return null;
        }
        byte[] d = new byte[payload.length + Psk2Wire.OVERHEAD_BYTES];
        scratch.get(0, d);
        return d;
    }

    DropReason open(Psk2Session s, byte[] d) {
        scratch.put(0, d);
        return s.open(scratch, d.length, aead);
    }

    static SecretBytes secret(int v) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) v);
        return SecretBytes.takeOwnership(b);
    }

    @Test
    void sessionKeyedPacketsCarryTheEpochAndOpenOnlyUnderTheSameSession() throws Exception {
        Path pad = TestPads.create(dir, "pad", 20, 1);
        SessionKeyring ka = new SessionKeyring(true, GRACE), kb = new SessionKeyring(false, GRACE);
        Psk2Session a = session(pad, "a", Role.INITIATOR, ka);
        Psk2Session b = session(pad, "b", Role.RESPONDER, kb);
        List<DropReason> drops = new ArrayList<>();
        assertThat(seal(a, new byte[] {1}, drops)).isNull();
        assertThat(drops).containsExactly(DropReason.NO_SESSION);
        ka.install(new SessionKey(2, secret(7), 0), 0);
        kb.install(new SessionKey(2, secret(7), 0), 0);
        for (int i = 0; i < 2500; i++) { // across slots: each slot's key is derived on first use
            byte[] d = seal(a, new byte[] {(byte) i}, drops);
            assertThat(d[Psk2Wire.FLAGS_OFFSET]).isEqualTo((byte) (Psk2Wire.FLAG_SESSION | 2));
            assertThat(open(b, d)).as("seq %d", i).isNull();
        }
        // A receiver whose session under that epoch differs cannot open it.
        SessionKeyring kc = new SessionKeyring(false, GRACE);
        Psk2Session c = session(pad, "c", Role.RESPONDER, kc);
        kc.install(new SessionKey(2, secret(8), 0), 0);
        assertThat(open(c, seal(a, new byte[] {1}, drops))).isEqualTo(DropReason.AEAD);
    }

    /** The pad thief: holds the pad, not the session. Decrypts nothing, injects nothing. */
    @Test
    void aPadAloneNeitherOpensNorForgesSessionKeyedPackets() throws Exception {
        Path pad = TestPads.create(dir, "pad", 20, 2);
        SessionKeyring ka = new SessionKeyring(true, GRACE), kb = new SessionKeyring(false, GRACE);
        Psk2Session a = session(pad, "a", Role.INITIATOR, ka);
        Psk2Session b = session(pad, "b", Role.RESPONDER, kb);
        ka.install(new SessionKey(0, secret(3), 0), 0);
        kb.install(new SessionKey(0, secret(3), 0), 0);
        Psk2Session thiefRx = session(pad, "t", Role.RESPONDER, null);
        Psk2Session thiefTx = session(pad, "u", Role.INITIATOR, null);
        thiefTx.advanceTxTo(5); // not the (key, nonce) the JCE engine just decrypted with
        List<DropReason> drops = new ArrayList<>();
        byte[] captured = seal(a, "secret".getBytes(), drops);
        // Read with pad keys: the flags byte says "session"; forced to 0, the AEAD fails.
        assertThat(open(thiefRx, captured)).isEqualTo(DropReason.FLAGS);
        byte[] zeroed = captured.clone();
        zeroed[Psk2Wire.FLAGS_OFFSET] = 0;
        assertThat(open(thiefRx, zeroed)).isEqualTo(DropReason.AEAD);
        // Forge with pad keys: rejected by flags, and with the session flag set, by the AEAD.
        byte[] forged = seal(thiefTx, "inject!".getBytes(), drops);
        assertThat(open(b, forged)).isEqualTo(DropReason.FLAGS);
        forged[Psk2Wire.FLAGS_OFFSET] = (byte) Psk2Wire.FLAG_SESSION;
        assertThat(open(b, forged)).isEqualTo(DropReason.AEAD);
        // The off-mode session still rejects any non-zero flags (seed compatibility).
        byte[] reserved = zeroed.clone();
        reserved[Psk2Wire.FLAGS_OFFSET] = 0x04;
        assertThat(open(b, reserved)).isEqualTo(DropReason.FLAGS);
    }

    @Test
    void derivedKeyNeedsBothTheSlotAndTheSessionSecret() {
        DataKeyDeriver d = new DataKeyDeriver();
        byte[] slot = new byte[120];
        Arrays.fill(slot, (byte) 5);
        byte[] s1 = new byte[32], s2 = new byte[32];
        s2[0] = 1;
        byte[] k1 = new byte[32], k2 = new byte[32], k3 = new byte[32], k4 = new byte[32], k5 = new byte[32];
        d.derive(s1, slot, 7, 0, k1);
        d.derive(s2, slot, 7, 0, k2);
        d.derive(s1, slot, 8, 0, k3);
        d.derive(s1, slot, 7, 1, k4);
        slot[60] ^= 1; // direction 1's material changes, direction 0's key does not
        d.derive(s1, slot, 7, 0, k5);
        assertThat(k1).isNotEqualTo(k2).isNotEqualTo(k3).isNotEqualTo(k4).isEqualTo(k5);
        assertThat(k1).isNotEqualTo(Arrays.copyOfRange(slot, 28, 60));
    }

    /** The allocation-free derivation equals RFC 5869 HKDF computed with the JDK's HMAC (docs/protocol.md 3.8). */
    @Test
    void derivationIsHkdfOverSlotMaterialWithTheDocumentedInfo() {
        byte[] slot = new byte[120];
        byte[] secret = new byte[32];
        new java.util.Random(42).nextBytes(slot);
        new java.util.Random(43).nextBytes(secret);
        for (int dir = 0; dir < 2; dir++) {
            byte[] got = new byte[32];
            new DataKeyDeriver().derive(secret, slot, 0x0102030405L, dir, got);
            byte[] label = DataKeyDeriver.LABEL.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] info = java.nio.ByteBuffer.allocate(label.length + 9)
                    .put(label)
                    .putLong(0x0102030405L)
                    .put((byte) dir)
                    .array();
            byte[] want = dev.psk.tunnel.handshake.Hkdf.derive(
                    secret, Arrays.copyOfRange(slot, 60 * dir, 60 * dir + 60), info, 32);
            assertThat(got).isEqualTo(want);
        }
    }

    @Test
    void initiatorSwitchesOnTheFirstPacketOfTheNewEpochAndTheOldKeyLivesOnlyForTheGrace() throws Exception {
        Path pad = TestPads.create(dir, "pad", 20, 3);
        SessionKeyring ka = new SessionKeyring(true, GRACE), kb = new SessionKeyring(false, GRACE);
        Psk2Session a = session(pad, "a", Role.INITIATOR, ka);
        Psk2Session b = session(pad, "b", Role.RESPONDER, kb);
        ka.install(new SessionKey(0, secret(1), 0), 0);
        kb.install(new SessionKey(0, secret(1), 0), 0);
        List<DropReason> drops = new ArrayList<>();
        byte[] inFlight = seal(a, new byte[] {1}, drops);
        // Rekey: the initiator completes first but keeps sending under epoch 0 ...
        SessionKey newA = new SessionKey(1, secret(2), 10);
        ka.install(newA, 10);
        assertThat(seal(a, new byte[] {2}, drops)[Psk2Wire.FLAGS_OFFSET] & 3).isZero();
        // ... until the responder (switched at CONFIRM) sends under epoch 1.
        kb.install(new SessionKey(1, secret(2), 10), 10);
        assertThat(open(a, seal(b, new byte[] {3}, drops))).isNull();
        assertThat(ka.tx()).isSameAs(newA);
        assertThat(seal(a, new byte[] {4}, drops)[Psk2Wire.FLAGS_OFFSET] & 3).isEqualTo(1);
        // A packet of the old epoch still in flight is accepted during the grace ...
        assertThat(open(b, inFlight)).isNull();
        // ... and not after it: the old key is wiped.
        kb.expire(10 + GRACE, Long.MAX_VALUE);
        byte[] late = seal(a, new byte[] {5}, drops);
        late[Psk2Wire.FLAGS_OFFSET] = (byte) Psk2Wire.FLAG_SESSION; // claim epoch 0
        assertThat(open(b, late)).isEqualTo(DropReason.NO_SESSION);
        assertThat(kb.rx(0)).isNull();
    }

    @Test
    void keysOlderThanTheRejectLimitAreWipedAndDataStops() throws Exception {
        Path pad = TestPads.create(dir, "pad", 20, 4);
        SessionKeyring ka = new SessionKeyring(true, GRACE);
        Psk2Session a = session(pad, "a", Role.INITIATOR, ka);
        SessionKey k = new SessionKey(0, secret(1), 0);
        ka.install(k, 0);
        List<DropReason> drops = new ArrayList<>();
        assertThat(seal(a, new byte[] {1}, drops)).isNotNull();
        assertThat(ka.expire(179, 180)).isTrue();
        assertThat(ka.expire(180, 180)).isFalse();
        assertThat(k.usable()).isFalse();
        assertThat(seal(a, new byte[] {1}, drops)).isNull();
        assertThat(drops).containsExactly(DropReason.NO_SESSION);
        SessionKey k2 = new SessionKey(1, secret(2), 200);
        ka.install(k2, 200);
        ka.retireAll();
        assertThat(ka.tx()).isNull();
        assertThat(k2.usable()).isFalse();
    }

    @Test
    void responderAssignsAnEpochNoLiveKeyUses() {
        SessionKeyring kb = new SessionKeyring(false, GRACE);
        assertThat(kb.nextEpoch()).isZero();
        kb.install(new SessionKey(0, secret(1), 0), 0);
        assertThat(kb.nextEpoch()).isEqualTo(1);
        kb.install(new SessionKey(1, secret(2), 0), 0);
        assertThat(kb.nextEpoch()).isEqualTo(2);
        kb.install(new SessionKey(3, secret(3), 0), 0);
        assertThat(kb.nextEpoch()).isIn(0, 2);
    }
}
