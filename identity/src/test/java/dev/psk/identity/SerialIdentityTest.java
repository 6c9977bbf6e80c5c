package dev.psk.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.Hex;
import dev.psk.common.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SerialIdentityTest {
    private static final String SALT = "00ff10203a";

    /** SHA-256("psk-tunnel/v1" || salt || serial) computed by printf and sha256sum in a shell. */
    private static String shell(String saltHex, String serial) throws Exception {
        StringBuilder esc = new StringBuilder();
        for (int i = 0; i < saltHex.length(); i += 2) {
            esc.append("\\x").append(saltHex, i, i + 2);
        }
        Processes.Result r = Processes.run(
                        List.of(
                                "bash",
                                "-c",
                                "{ printf 'psk-tunnel/v1'; printf \"$1\"; printf '%s' \"$2\"; } | sha256sum | cut -d' ' -f1",
                                "bash",
                                esc.toString(),
                                serial),
                        null,
                        null,
                        Duration.ofSeconds(30))
                .requireSuccess("sha256sum");
        return r.stdout().strip();
    }

    private static void write(Path root, String rel, byte[] content) throws Exception {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
    }

    @Test
    void deviceTreeSerialWinsAndItsTrailingNulIsTrimmed(@TempDir Path root) throws Exception {
        write(root, "proc/device-tree/serial-number", "10000000abcdef01\0".getBytes());
        write(root, "sys/class/dmi/id/product_uuid", "4c4c4544-0000-1000-8000-000000000000\n".getBytes());
        String expected = shell(SALT, "10000000abcdef01");
        assertThat(Hex.encode(SerialIdentity.derive(Hex.decode(SALT), 16, root)))
                .isEqualTo(expected.substring(0, 32));
        assertThat(Hex.encode(SerialIdentity.derive(Hex.decode(SALT), 8, root))).isEqualTo(expected.substring(0, 16));
    }

    @Test
    void fallsBackInOrderSkippingEmptyFiles(@TempDir Path root) throws Exception {
        write(root, "proc/device-tree/serial-number", " \0".getBytes());
        write(root, "sys/class/dmi/id/board_serial", "  BS-77 \n".getBytes());
        assertThat(Hex.encode(SerialIdentity.derive(Hex.decode(SALT), 8, root)))
                .isEqualTo(shell(SALT, "BS-77").substring(0, 16));
        write(root, "sys/class/dmi/id/product_uuid", "uuid-1\n".getBytes());
        assertThat(Hex.encode(SerialIdentity.derive(Hex.decode(SALT), 8, root)))
                .isEqualTo(shell(SALT, "uuid-1").substring(0, 16));
    }

    @Test
    void noSerialNamesEveryPathTried(@TempDir Path root) {
        assertThatThrownBy(() -> SerialIdentity.derive(new byte[] {1}, 8, root))
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("no stable hardware serial found")
                .hasMessageContaining(
                        root.resolve("proc/device-tree/serial-number").toString())
                .hasMessageContaining("product_uuid")
                .hasMessageContaining("board_serial");
        assertThatThrownBy(() -> SerialIdentity.derive(new byte[] {1}, "x".getBytes(), 12))
                .hasMessageContaining("expected 8 or 16");
    }
}
