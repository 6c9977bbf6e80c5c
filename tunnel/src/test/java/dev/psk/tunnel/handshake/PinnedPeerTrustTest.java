package dev.psk.tunnel.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.Hex;
import dev.psk.common.PskException;
import dev.psk.identity.IdentityId;
import dev.psk.identity.PinnedPeer;
import dev.psk.identity.PinnedPeers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pins from the identity library's file, disabled entries, and the serial allowlist file. */
class PinnedPeerTrustTest {
    @TempDir
    Path dir;

    static ECPublicKey key() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return (ECPublicKey) g.generateKeyPair().getPublic();
    }

    @Test
    void lookupDistinguishesEnabledDisabledAndUnknown() throws Exception {
        ECPublicKey on = key();
        ECPublicKey off = key();
        PinnedPeers peers = PinnedPeers.empty()
                .with(PinnedPeer.create("on", IdentityId.of(on), on, true))
                .with(PinnedPeer.create("off", IdentityId.of(off), off, false));
        PinnedPeerTrust t = new PinnedPeerTrust(peers, null);
        assertThat(t.acceptsAnyIdentity()).isFalse();
        assertThat(t.lookup(IdentityId.of(on).bytes())).get().satisfies(p -> {
            assertThat(p.enabled()).isTrue();
            assertThat(p.name()).isEqualTo("on");
        });
        assertThat(t.lookup(IdentityId.of(off).bytes()))
                .get()
                .satisfies(p -> assertThat(p.enabled()).isFalse());
        assertThat(t.lookup(new byte[8])).isEmpty();
        assertThat(t.lookup(new byte[7])).isEmpty();
        assertThat(new PinnedPeerTrust(PinnedPeers.empty(), null).acceptsAnyIdentity())
                .isTrue();
    }

    @Test
    void serialAllowlistFileIsParsedAndEnforced() throws Exception {
        Path f = dir.resolve("serials");
        Files.writeString(f, "# site serials\n\n0011223344556677\n  00112233445566778899AABBCCDDEEFF  \n");
        Set<String> s = PinnedPeerTrust.readSerialAllowlist(f);
        assertThat(s).containsExactlyInAnyOrder("0011223344556677", "00112233445566778899aabbccddeeff");
        PinnedPeerTrust t = new PinnedPeerTrust(PinnedPeers.empty(), s);
        assertThat(t.serialAllowed(Hex.decode("0011223344556677"))).isTrue();
        assertThat(t.serialAllowed(Hex.decode("0011223344556678"))).isFalse();
        assertThat(t.serialAllowed(new byte[0])).isFalse();
        assertThat(new PinnedPeerTrust(PinnedPeers.empty(), null).serialAllowed(new byte[0]))
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "00112233",
                "001122334455667",
                "0011223344556677aa",
                "zz11223344556677",
                "0011 2233 4455 6677",
                "00112233445566778899aabbccddeeff00"
            })
    void malformedAllowlistEntriesNameFileAndLine(String bad) throws Exception {
        Path f = dir.resolve("serials");
        Files.writeString(f, "0011223344556677\n" + bad + "\n");
        assertThatThrownBy(() -> PinnedPeerTrust.readSerialAllowlist(f))
                .isInstanceOf(PskException.class)
                .hasMessageContaining(f + ":2:")
                .hasMessageContaining("16 or 32 hex digits");
    }

    @Test
    void missingAllowlistFileIsATypedError() {
        assertThatThrownBy(() -> PinnedPeerTrust.readSerialAllowlist(dir.resolve("nope")))
                .isInstanceOf(PskException.class)
                .hasMessageContaining("cannot read serial allowlist");
    }
}
