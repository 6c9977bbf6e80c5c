package dev.psk.keygen.source;

import dev.psk.common.Secrets;
import dev.psk.identity.pkcs11.PinSource;
import dev.psk.identity.pkcs11.Pkcs11Exception;
import dev.psk.identity.pkcs11.Pkcs11Token;
import dev.psk.identity.pkcs11.Pkcs11Uri;
import dev.psk.identity.pkcs11.Pkcs11UriException;
import dev.psk.keygen.health.HealthTestParameters;
import java.nio.ByteBuffer;

/**
 * A PKCS#11 token's RNG (C_GenerateRandom), reached through the identity module's token API: the
 * RFC 7512 URI names the module ({@code module-path} or {@code module-name}) and the token
 * ({@code token=}, {@code serial=}, {@code slot-id=} ...). The RNG needs no login, so the session
 * stays public unless the URI itself carries {@code pin-source}/{@code pin-value}.
 */
final class Pkcs11Source implements EntropySource {
    /** Tokens are slow (SoftHSM: tens of MB/s; a TPM: kilobytes/s); small requests keep progress smooth. */
    static final int CHUNK_BYTES = 64 << 10;

    private final Pkcs11Token token;
    private final byte[] staging = new byte[CHUNK_BYTES];

    private Pkcs11Source(Pkcs11Token token) {
        this.token = token;
    }

    static EntropySource open(String text) throws EntropySourceException {
        Pkcs11Uri uri;
        try {
            uri = Pkcs11Uri.parse(text);
            Pkcs11Token.requireStandardAttributes(uri); // a typo is the argument's fault: usage error
        } catch (Pkcs11UriException | Pkcs11Exception e) {
            throw new SourceSyntaxException("--source: " + e.getMessage(), e);
        }
        try {
            Pkcs11Token token = Pkcs11Token.open(uri, PinSource.none());
            if (!token.info().hasRng()) {
                String who = token.info().describe();
                token.close();
                throw new EntropySourceException(
                        "--source: token " + who + " has no random number generator (CKF_RNG not set)");
            }
            return new Pkcs11Source(token);
        } catch (Pkcs11Exception e) {
            throw new EntropySourceException("--source: " + e.getMessage(), e);
        }
    }

    @Override
    public String description() {
        return "PKCS#11 token " + token.info().describe() + " C_GenerateRandom";
    }

    @Override
    public double assumedMinEntropy() {
        return HealthTestParameters.TOKEN_MIN_ENTROPY;
    }

    @Override
    public int maxReaders() {
        return 1;
    }

    @Override
    public int chunkBytes() {
        return CHUNK_BYTES;
    }

    @Override
    public void fill(ByteBuffer dst) throws EntropySourceException {
        try {
            while (dst.hasRemaining()) {
                int n = Math.min(dst.remaining(), staging.length);
                byte[] b = n == staging.length ? staging : new byte[n];
                token.generateRandom(b);
                dst.put(b, 0, n);
                Secrets.wipe(b);
            }
        } catch (Pkcs11Exception e) {
            throw new EntropySourceException(
                    "token " + token.info().describe() + ": C_GenerateRandom failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        token.close();
    }
}
