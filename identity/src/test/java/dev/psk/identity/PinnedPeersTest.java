package dev.psk.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinnedPeersTest {
    private final InsecureInMemorySigner a = InsecureInMemorySigner.generate();
    private final InsecureInMemorySigner b = InsecureInMemorySigner.generate();

    private String block(String name, InsecureInMemorySigner s, String extra) {
        return "[peer " + name + "]\nidentity_id = " + s.identityId() + "\n" + extra + Pem.encode(s.publicKey());
    }

    @Test
    void roundTripsThroughTheFileAndFindsOnlyEnabledPeers(@TempDir Path dir) throws Exception {
        PinnedPeers peers = PinnedPeers.empty()
                .with(PinnedPeer.create("site-a", a.identityId(), a.publicKey(), true))
                .with(PinnedPeer.create("site-b", null, b.publicKey(), false));
        Path f = dir.resolve("peers.conf");
        peers.save(f);
        PinnedPeers back = PinnedPeers.load(f);
        assertThat(back.peers()).extracting(PinnedPeer::name).containsExactly("site-a", "site-b");
        assertThat(back.find(a.identityId())).map(PinnedPeer::name).contains("site-a");
        assertThat(back.find(b.identityId())).isEmpty();
        assertThat(back.withEnabled("site-b", true).find(b.identityId()))
                .map(PinnedPeer::name)
                .contains("site-b");
        assertThat(back.without(a.identityId().hex()).peers())
                .extracting(PinnedPeer::name)
                .containsExactly("site-b");
        assertThat(Files.readString(f)).contains("[peer site-a]", "identity_id = " + a.identityId(), "enabled = false");
    }

    @Test
    void verifierAcceptsOnlyThePinnedEnabledKey() throws Exception {
        PinnedPeers peers = PinnedPeers.parse(block("site-a", a, "") + block("site-b", b, "enabled = false\n"));
        Verifier v = new Verifier(peers);
        byte[] msg = "transcript".getBytes();
        for (SignatureFormat f : SignatureFormat.values()) {
            byte[] sig = a.sign(msg, f);
            assertThat(v.verify(a.identityId(), msg, sig, f))
                    .map(PinnedPeer::name)
                    .contains("site-a");
            assertThat(v.verify(a.identityId(), "other".getBytes(), sig, f)).isEmpty();
            assertThat(v.verify(b.identityId(), msg, b.sign(msg, f), f)).isEmpty();
        }
        assertThat(v.verify(a.identityId(), msg, a.sign(msg, SignatureFormat.DER), SignatureFormat.P1363))
                .isEmpty();
    }

    @Test
    void refusesDuplicates() throws Exception {
        PinnedPeers p = PinnedPeers.empty().with(PinnedPeer.create("x", null, a.publicKey(), true));
        assertThatThrownBy(() -> p.with(PinnedPeer.create("x", null, b.publicKey(), true)))
                .hasMessageContaining("already pinned");
        assertThatThrownBy(() -> p.with(PinnedPeer.create("y", null, a.publicKey(), true)))
                .hasMessageContaining("already pinned as 'x'");
        assertThatThrownBy(() -> p.without("zz"))
                .hasMessageContaining("no pinned peer")
                .hasMessageContaining("x (");
    }

    @Test
    void malformedEntriesAreNamed() {
        String good = block("good", a, "");
        String wrongId = "[peer typo]\nidentity_id = 0000000000000000\n" + Pem.encode(b.publicKey());
        assertThatThrownBy(() -> PinnedPeers.parse(good + wrongId))
                .hasMessageContaining("entry 'typo'")
                .hasMessageContaining("does not match its public key");
        assertThatThrownBy(() -> PinnedPeers.parse(good + "[peer nokey]\nidentity_id = " + b.identityId() + "\n"))
                .hasMessageContaining("entry 'nokey'")
                .hasMessageContaining("missing public key");
        assertThatThrownBy(() -> PinnedPeers.parse(good + "[peer noid]\n" + Pem.encode(b.publicKey())))
                .hasMessageContaining("entry 'noid'")
                .hasMessageContaining("missing identity_id");
        assertThatThrownBy(() -> PinnedPeers.parse(block("e", b, "enabled = yes\n")))
                .hasMessageContaining("entry 'e' (line 3)")
                .hasMessageContaining("expected true or false");
        assertThatThrownBy(() -> PinnedPeers.parse(block("c", b, "color = red\n")))
                .hasMessageContaining("entry 'c'")
                .hasMessageContaining("unknown setting \"color\"");
        assertThatThrownBy(() -> PinnedPeers.parse(good + block("good", b, "")))
                .hasMessageContaining("entry 'good'")
                .hasMessageContaining("already used");
        assertThatThrownBy(() -> PinnedPeers.parse(good + block("dup", a, "")))
                .hasMessageContaining("entry 'dup'")
                .hasMessageContaining("already pinned as 'good'");
        assertThatThrownBy(() -> PinnedPeers.parse("identity_id = 00\n")).hasMessageContaining("line 1");
        assertThatThrownBy(() -> PinnedPeers.parse("[peer bad name!]\n")).hasMessageContaining("line 1");
        String brokenPem = "[peer p]\nidentity_id = " + a.identityId()
                + "\n-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n";
        assertThatThrownBy(() -> PinnedPeers.parse(brokenPem))
                .hasMessageContaining("entry 'p'")
                .hasMessageContaining("base64");
        String open = "[peer q]\nidentity_id = " + a.identityId() + "\n-----BEGIN PUBLIC KEY-----\nAAAA\n";
        assertThatThrownBy(() -> PinnedPeers.parse(open))
                .hasMessageContaining("entry 'q'")
                .hasMessageContaining("not closed");
    }

    /** Seeded random mutations of a valid file: parsed, or refused with IdentityException; nothing else. */
    @Test
    void randomMutationsNeverEscapeTheTypedError() {
        String valid = block("site-a", a, "enabled = false\n") + "\n# note\n" + block("site-b", b, "");
        String alphabet = "[]=#\n -abcdefEFGH0123456789+/peer_identity";
        java.util.Random r = new java.util.Random(20261122);
        int accepted = 0;
        for (int n = 0; n < 5_000; n++) {
            StringBuilder sb = new StringBuilder(valid);
            for (int e = 0; e < 1 + r.nextInt(3); e++) {
                int at = r.nextInt(sb.length());
                switch (r.nextInt(3)) {
                    case 0 -> sb.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                    case 1 -> sb.deleteCharAt(at);
                    default -> sb.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                }
            }
            try {
                PinnedPeers.parse(sb.toString());
                accepted++;
            } catch (IdentityException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
        assertThat(accepted).isPositive();
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> PinnedPeers.load(dir.resolve("nope"))).hasMessageContaining("nope: no such file");
        assertThat(PinnedPeers.loadOrEmpty(dir.resolve("nope")).peers()).isEmpty();
    }
}
