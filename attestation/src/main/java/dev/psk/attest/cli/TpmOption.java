package dev.psk.attest.cli;

import dev.psk.attest.tpm.TpmAddress;
import dev.psk.common.cli.UsageException;
import picocli.CommandLine.Option;

/** {@code --tpm ADDRESS}, defaulting to $PSK_TPM, then device:/dev/tpmrm0. */
final class TpmOption {
    @Option(
            names = "--tpm",
            paramLabel = "ADDRESS",
            description =
                    "TPM: swtpm:host=127.0.0.1,port=P or device:/dev/tpmrm0 (default: $PSK_TPM, else device:/dev/tpmrm0).")
    String tpm;

    String address() {
        String a = tpm != null ? tpm : System.getenv().getOrDefault("PSK_TPM", "device:/dev/tpmrm0");
        try {
            return TpmAddress.parse(a).toString();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--tpm: " + e.getMessage());
        }
    }
}
