package dev.psk.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.identity.IdentityId;
import dev.psk.identity.InsecureInMemorySigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityFileTest {
    private final InsecureInMemorySigner key = InsecureInMemorySigner.generate();

    private IdentityFile sample() {
        return new IdentityFile(
                IdentityFile.FORMAT,
                "site-a",
                "pkcs11:token=t;object=site-a",
                key.identityId(),
                IdentityFile.ALGORITHM,
                "generic",
                Map.of("CKA_EXTRACTABLE", "false"),
                Map.of("label", "t"),
                Instant.parse("2026-11-22T03:00:00Z"),
                key.publicKey());
    }

    @Test
    void roundTripsAndRefusesToOverwrite(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("site-a.identity.json");
        sample().write(f);
        IdentityFile back = IdentityFile.read(f);
        assertThat(back.identityId()).isEqualTo(key.identityId());
        assertThat(back.publicKey().getW()).isEqualTo(key.publicKey().getW());
        assertThat(back.attributes()).containsEntry("CKA_EXTRACTABLE", "false");
        assertThat(back.created()).isEqualTo(Instant.parse("2026-11-22T03:00:00Z"));
        assertThatThrownBy(() -> sample().write(f)).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    }

    @Test
    void malformedFilesAreNamed(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.identity.json");
        String good = sample().toJson();
        Files.writeString(f, good.replace(key.identityId().hex(), "0000000000000000"));
        assertThatThrownBy(() -> IdentityFile.read(f))
                .hasMessageContaining("x.identity.json")
                .hasMessageContaining("does not match public_key_pem");
        Files.writeString(f, good.replace("psk-identity/1", "other/9"));
        assertThatThrownBy(() -> IdentityFile.read(f)).hasMessageContaining("format \"other/9\"");
        Files.writeString(f, "{ not json");
        assertThatThrownBy(() -> IdentityFile.read(f)).hasMessageContaining("not JSON");
        Files.writeString(f, good.replace("\"label\"", "\"lbl\""));
        assertThatThrownBy(() -> IdentityFile.read(f)).hasMessageContaining("missing text field \"label\"");
        Files.writeString(f, "[1]");
        assertThatThrownBy(() -> IdentityFile.read(f)).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> IdentityFile.read(dir.resolve("none.json"))).hasMessageContaining("no such file");
        assertThat(IdentityId.parse(key.identityId().hex())).isEqualTo(key.identityId());
    }
}
