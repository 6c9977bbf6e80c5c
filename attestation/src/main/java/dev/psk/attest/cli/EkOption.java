package dev.psk.attest.cli;

import dev.psk.attest.tpm.EkTemplate;
import dev.psk.common.cli.UsageException;
import picocli.CommandLine.Option;

/** {@code --ek-alg}: which standard EK (and so which EK certificate index) a device-side command uses. */
final class EkOption {
    @Option(
            names = "--ek-alg",
            paramLabel = "ALG",
            defaultValue = "rsa",
            description = "EK template and certificate: rsa (RSA 2048, NV 0x01c00002), ecc (P-256, 0x01c0000a) or "
                    + "ecc384 (P-384, 0x01c00016, swtpm's ECC EK). Default: ${DEFAULT-VALUE}.")
    String ekAlg;

    EkTemplate template() {
        return EkTemplate.fromOption(ekAlg)
                .orElseThrow(() -> new UsageException("--ek-alg: expected rsa, ecc or ecc384, got " + ekAlg));
    }
}
