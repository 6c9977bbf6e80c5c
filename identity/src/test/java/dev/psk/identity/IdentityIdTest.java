package dev.psk.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.identity.testing.Openssl;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityIdTest {

    /** identity_id equals what openssl and sha256sum compute from the PEM, independently of this code. */
    @Test
    void matchesOpensslAndSha256sum(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 3; i++) {
            InsecureInMemorySigner s = InsecureInMemorySigner.generate();
            Path pem = dir.resolve("k" + i + ".pem");
            Files.writeString(pem, Pem.encode(s.publicKey()));
            assertThat(s.identityId().hex()).isEqualTo(Openssl.identityId(pem)).hasSize(16);
            assertThat(IdentityId.ofSpki(EcP256.spki(s.publicKey()))).isEqualTo(s.identityId());
        }
    }

    @Test
    void parsesAndRejects() throws Exception {
        IdentityId id = IdentityId.parse("0123456789ABCDEF");
        assertThat(id.hex()).isEqualTo("0123456789abcdef");
        assertThat(id.matches(new byte[] {1, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xab, (byte) 0xcd, (byte) 0xef}))
                .isTrue();
        assertThat(id.matches(new byte[7])).isFalse();
        assertThatThrownBy(() -> IdentityId.parse("0123")).hasMessageContaining("expected 16 hex digits");
        assertThatThrownBy(() -> IdentityId.parse("0123456789abcdeg")).hasMessageContaining("'g'");
    }
}
