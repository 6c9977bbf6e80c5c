package dev.psk.common.ffm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.FunctionDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one libcrypto loading policy: candidates, order, version gate, and how absence reads. */
class LibCryptoTest {
    /** Where Debian/Ubuntu put libcrypto 3; the lab has it, so the native path is really tested. */
    private static final boolean HOST_HAS_LIBCRYPTO3 = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"))
            || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libcrypto.so.3"))
            || Files.exists(Path.of("/usr/lib64/libcrypto.so.3"));

    @Test
    void defaultsAreSoname3ThenUnversioned() {
        assertThat(LibCrypto.DEFAULT_NAMES).containsExactly("libcrypto.so.3", "libcrypto.so");
        assertThat(LibCrypto.candidates(null)).isEqualTo(LibCrypto.DEFAULT_NAMES);
        assertThat(LibCrypto.candidates("  ")).isEqualTo(LibCrypto.DEFAULT_NAMES);
        assertThat(LibCrypto.candidates(" /opt/ssl/lib/libcrypto.so.3 "))
                .containsExactly("/opt/ssl/lib/libcrypto.so.3");
    }

    @Test
    void theHostLibraryLoadsUnderTheDefaultPolicy() throws Throwable {
        assertThat(LibCrypto.available()).isEqualTo(HOST_HAS_LIBCRYPTO3);
        if (!HOST_HAS_LIBCRYPTO3) {
            assertThat(LibCrypto.unavailableReason().orElseThrow()).contains("libcrypto.so.3", "libcrypto.so");
            return;
        }
        assertThat(LibCrypto.unavailableReason()).isEmpty();
        assertThat(LibCrypto.libraryName()).contains("libcrypto.so.3");
        assertThat(LibCrypto.versionNumber() >>> 28).isGreaterThanOrEqualTo(3);
        long v = (long) LibCrypto.downcall("OpenSSL_version_num", FunctionDescriptor.of(JAVA_LONG))
                .invokeExact();
        assertThat(v).isEqualTo(LibCrypto.versionNumber());
    }

    @Test
    void aMissingCandidateFallsThroughToTheNext() {
        if (!HOST_HAS_LIBCRYPTO3) {
            return;
        }
        LibCrypto.Loaded l = LibCrypto.load(List.of("libpsk-crypto-absent.so.9", "libcrypto.so.3"));
        assertThat(l.available()).isTrue();
        assertThat(l.name()).isEqualTo("libcrypto.so.3");
    }

    @Test
    void absenceNamesEveryCandidateAndWhy() {
        LibCrypto.Loaded l = LibCrypto.load(List.of("libpsk-crypto-absent.so.9", "/nonexistent/libcrypto.so"));
        assertThat(l.available()).isFalse();
        assertThat(l.lookup()).isNull();
        assertThat(l.error())
                .startsWith("no usable libcrypto 3")
                .contains("libpsk-crypto-absent.so.9: ")
                .contains("/nonexistent/libcrypto.so: ");
    }

    @Test
    void aLibraryThatIsNotLibcryptoIsRefused() {
        LibCrypto.Loaded l = LibCrypto.load(List.of("libc.so.6"));
        assertThat(l.available()).isFalse();
        assertThat(l.error()).contains("libc.so.6: not libcrypto");
    }

    @Test
    void aMissingSymbolIsATypedError() {
        if (!HOST_HAS_LIBCRYPTO3) {
            assertThatThrownBy(() -> LibCrypto.symbol("EVP_PKEY_free"))
                    .isInstanceOf(LibCryptoException.class)
                    .hasMessageContaining("unavailable");
            return;
        }
        assertThatThrownBy(() -> LibCrypto.symbol("psk_no_such_function"))
                .isInstanceOf(LibCryptoException.class)
                .hasMessageContaining("lacks psk_no_such_function");
    }
}
