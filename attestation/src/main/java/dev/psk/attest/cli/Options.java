package dev.psk.attest.cli;

import dev.psk.attest.tpm.HashAlg;
import dev.psk.attest.tpm.PcrSelection;
import dev.psk.common.Hex;
import dev.psk.common.cli.UsageException;

/** Parsing of option values shared by the subcommands; every failure is a usage error. */
final class Options {
    private Options() {}

    static PcrSelection selection(String text) {
        try {
            return PcrSelection.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--pcrs: " + e.getMessage());
        }
    }

    static byte[] nonce(String hex) {
        try {
            byte[] n = Hex.decode(hex, "--nonce");
            if (n.length == 0 || n.length > dev.psk.attest.tpm.Tpm2.MAX_DATA_BYTES) {
                throw new UsageException(
                        "--nonce: 1 to " + dev.psk.attest.tpm.Tpm2.MAX_DATA_BYTES + " bytes expected, got " + n.length);
            }
            return n;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static HashAlg hash(String name, String option) {
        return HashAlg.fromName(name)
                .orElseThrow(() ->
                        new UsageException(option + ": unknown hash '" + name + "' (sha1, sha256, sha384, sha512)"));
    }
}
