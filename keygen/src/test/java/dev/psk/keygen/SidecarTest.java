package dev.psk.keygen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.Hex;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SidecarTest {
    private static final byte[] D = Hex.decode("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    @Test
    void lineIsSha256sumFormat() {
        assertThat(Sidecar.line(D, "pad.bin")).isEqualTo(Hex.encode(D) + "  pad.bin\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pad.bin", "with space.bin", "back\\slash", "new\nline", "\\\\n", "ü.bin", "*star"})
    void roundTrips(String name) {
        Sidecar s = Sidecar.parse(Sidecar.line(D, name), "x");
        assertThat(s.fileName()).isEqualTo(name);
        assertThat(s.sha256()).isEqualTo(D);
    }

    @Test
    void escapesLikeCoreutils() {
        assertThat(Sidecar.line(D, "a\\b")).isEqualTo("\\" + Hex.encode(D) + "  a\\\\b\n");
        assertThat(Sidecar.line(D, "a\nb")).isEqualTo("\\" + Hex.encode(D) + "  a\\nb\n");
    }

    @Test
    void acceptsBinaryMarkerUpperCaseHexAndCrlf() {
        assertThat(Sidecar.parse(Hex.encode(D).toUpperCase() + " *pad.bin\r\n\n", "x")
                        .fileName())
                .isEqualTo("pad.bin");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "\n\n",
                "abc  pad.bin",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85  pad.bin",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 pad.bin",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  ",
                "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  pad.bin",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\tpad.bin",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  b",
                "\\e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a\\",
                "\\e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a\\t"
            })
    void malformedIsRefusedNamingTheInput(String text) {
        assertThatThrownBy(() -> Sidecar.parse(text, "pad.bin.sha256"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("pad.bin.sha256: ");
    }

    /** Seeded random corruptions of a valid line: parse either accepts or throws IllegalArgumentException. */
    @Test
    void randomCorruptionsNeverThrowAnythingElse() {
        Random r = new Random(42);
        String good = Sidecar.line(D, "pad.bin");
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder(good);
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                int at = r.nextInt(b.length() + 1);
                switch (r.nextInt(3)) {
                    case 0 -> b.insert(at, (char) r.nextInt(128));
                    case 1 -> {
                        if (at < b.length()) b.deleteCharAt(at);
                    }
                    default -> {
                        if (at < b.length()) b.setCharAt(at, (char) r.nextInt(0x3000));
                    }
                }
            }
            try {
                Sidecar s = Sidecar.parse(b.toString(), "x");
                assertThat(s.sha256()).hasSize(32);
                accepted++;
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).startsWith("x: ");
            }
        }
        assertThat(accepted).isPositive();
    }
}
