package dev.psk.tunnel.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.PskException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watched peers file: changes are seen, a broken file trusts nobody, a missing one fails at start. */
class ReloadingPeerTrustTest {
    @TempDir
    Path dir;

    @Test
    void changesAreSeenAndABrokenFileTrustsNobody() throws Exception {
        HandshakeFixture.SoftIdentity a = new HandshakeFixture.SoftIdentity();
        Path f = dir.resolve("peers");
        Files.writeString(f, HandshakeDeviceTest.pinFile("site-a", a, true));
        ReloadingPeerTrust t = ReloadingPeerTrust.load(f, null);
        assertThat(t.lookup(a.id))
                .hasValueSatisfying(p -> assertThat(p.enabled()).isTrue());
        assertThat(t.reloadIfChanged()).isNull();
        Files.writeString(f, HandshakeDeviceTest.pinFile("site-a", a, false));
        assertThat(t.reloadIfChanged()).contains("reloaded");
        assertThat(t.lookup(a.id))
                .hasValueSatisfying(p -> assertThat(p.enabled()).isFalse());
        Files.writeString(f, "[peer broken]\nidentity_id = zz\n");
        assertThat(t.reloadIfChanged()).contains("cannot be used").contains("no identity is trusted");
        assertThat(t.lookup(a.id)).isEmpty();
        assertThat(t.acceptsAnyIdentity()).isFalse();
        Files.delete(f);
        assertThat(t.reloadIfChanged()).contains("cannot be used");
        Files.writeString(f, HandshakeDeviceTest.pinFile("site-a", a, true));
        assertThat(t.reload()).contains("reloaded");
        assertThat(t.lookup(a.id)).isPresent();
    }

    @Test
    void aMissingFileFailsAtStart() {
        assertThatThrownBy(() -> ReloadingPeerTrust.load(dir.resolve("nope"), null))
                .isInstanceOf(PskException.class)
                .hasMessageContaining("nope");
    }
}
