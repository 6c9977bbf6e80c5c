package dev.psk.tunnel.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.ffm.LibCrypto;
import java.util.List;

/** The X25519 backends a test must cover on this host. */
final class X25519Backends {
    private X25519Backends() {}

    /**
     * JCE always; libcrypto whenever libcrypto 3 loads. When it loads, its X25519 must be usable:
     * a libcrypto backend that silently drops out would let its tests pass without running.
     */
    static List<X25519Backend> all() {
        if (!LibCrypto.available()) {
            return List.of(JceX25519.INSTANCE);
        }
        assertThat(OpenSslX25519.unavailableReason()).isEmpty();
        return List.of(OpenSslX25519.INSTANCE, JceX25519.INSTANCE);
    }
}
