package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.tunnel.crypto.AeadBackend;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AeadBackendConverterTest {
    @Test
    void convertsTheCommandLineSpelling() {
        AeadBackendConverter c = new AeadBackendConverter();
        assertThat(c.convert("auto")).isEqualTo(AeadBackend.AUTO);
        assertThat(c.convert("openssl")).isEqualTo(AeadBackend.OPENSSL);
        assertThat(c.convert("JCE")).isEqualTo(AeadBackend.JCE);
        assertThat(new AeadBackendConverter.Candidates()).containsExactly("auto", "openssl", "jce");
    }

    @Test
    void aBadValueIsAUsageErrorNamingTheChoices() {
        assertThatThrownBy(() -> new AeadBackendConverter().convert("rot13"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessage("expected auto, openssl or jce, not 'rot13'");
    }
}
