package dev.psk.attest.cli;

import dev.psk.attest.quote.AkSource;
import dev.psk.common.cli.UsageException;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --ak-alg} / {@code --ak-handle}: which attestation key a device-side command uses. */
final class AkOptions {
    @Option(
            names = "--ak-alg",
            paramLabel = "ALG",
            defaultValue = "ecc",
            description =
                    "Primary AK to derive: ecc (P-256, ECDSA-SHA256) or rsa (2048, RSASSA-SHA256). Default: ${DEFAULT-VALUE}.")
    String akAlg;

    @Option(
            names = "--ak-handle",
            paramLabel = "HANDLE",
            description = "Use the persistent AK at this handle (0x81XXXXXX) instead of a primary.")
    String akHandle;

    AkSource akSource() {
        if (akHandle != null) {
            try {
                String h = akHandle.strip().toLowerCase(Locale.ROOT);
                return new AkSource.Persistent(Integer.parseUnsignedInt(h.startsWith("0x") ? h.substring(2) : h, 16));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--ak-handle: " + e.getMessage());
            }
        }
        return switch (akAlg.toLowerCase(Locale.ROOT)) {
            case "ecc", "ecdsa" -> AkSource.ecc();
            case "rsa" -> AkSource.rsa();
            default -> throw new UsageException("--ak-alg: expected ecc or rsa, got " + akAlg);
        };
    }
}
