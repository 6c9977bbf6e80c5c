package dev.psk.tunnel.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.ffm.LibCrypto;
import org.junit.jupiter.api.Test;

class AeadBackendTest {
    @Test
    void labelsAreTheLowerCaseCommandLineValues() {
        assertThat(AeadBackend.values()).extracting(AeadBackend::label).containsExactly("auto", "openssl", "jce");
        for (AeadBackend b : AeadBackend.values()) {
            assertThat(AeadBackend.parse(b.label())).isSameAs(b);
            assertThat(AeadBackend.parse(" " + b.name() + " ")).isSameAs(b);
            assertThat(b).hasToString(b.label());
        }
    }

    @Test
    void unknownNamesAreRefusedNamingTheChoices() {
        for (String bad : new String[] {"rot13", "", "open ssl"}) {
            assertThatThrownBy(() -> AeadBackend.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("auto, openssl or jce")
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> AeadBackend.parse(null)).hasMessageContaining("auto, openssl or jce");
        assertThatThrownBy(() -> PacketAeads.create("rot13")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachBackendGivesItsImplementation() {
        try (PacketAead jce = PacketAeads.create(AeadBackend.JCE);
                PacketAead auto = PacketAeads.create(AeadBackend.AUTO)) {
            assertThat(jce.name()).isEqualTo("jce");
            assertThat(auto.name()).isEqualTo(PacketAeads.autoName());
        }
        if (LibCrypto.available()) {
            try (PacketAead ossl = PacketAeads.create(AeadBackend.OPENSSL)) {
                assertThat(ossl.name()).isEqualTo("openssl");
            }
        }
    }
}
