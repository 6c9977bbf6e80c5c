package dev.psk.identity.pkcs11;

import java.security.Provider;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;

/** A token's RNG (C_GenerateRandom) behind the {@link SecureRandom} API. */
final class TokenRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private static final Provider PROVIDER = new Provider("PSK-PKCS11", "1.0", "PKCS#11 token RNG via FFM") {
        private static final long serialVersionUID = 1L;
    };

    TokenRandom(Pkcs11Token token) {
        super(new Spi(token), PROVIDER);
    }

    @Override
    public String getAlgorithm() {
        return "PKCS11-C_GenerateRandom";
    }

    private static final class Spi extends SecureRandomSpi {
        private static final long serialVersionUID = 1L;
        private final transient Pkcs11Token token;

        Spi(Pkcs11Token token) {
            this.token = token;
        }

        @Override
        protected void engineSetSeed(byte[] seed) {
            // The token seeds its own RNG; caller seeds are not mixed in (documented on Pkcs11Token#random).
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            try {
                token.generateRandom(bytes);
            } catch (Pkcs11Exception e) {
                throw new IllegalStateException("token RNG failed: " + e.getMessage(), e);
            }
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            byte[] b = new byte[numBytes];
            engineNextBytes(b);
            return b;
        }
    }
}
