package dev.psk.attest.cli;

import dev.psk.common.cli.TrainingWorkload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * psk-attest's AOT training commands: {@code verify} of a real quote (tpm2-tools 5.4 on swtpm, ECDSA
 * P-256 AK, PCRs sha256:0-7; the same files as the test resources {@code tools54}), as one line and
 * as JSON, so the cache covers the TPM structure parsers, the signature check through libcrypto and
 * the verdict output.
 */
public final class AttestTraining implements TrainingWorkload {
    private static final String[] FILES = {"ak.pem", "q.msg", "q.sig", "q.pcrs"};

    @Override
    public Class<?> tool() {
        return PskAttest.class;
    }

    @Override
    public List<List<String>> commands(Path dir) throws IOException {
        for (String f : FILES) {
            try (InputStream in = AttestTraining.class.getResourceAsStream("/dev/psk/attest/training/" + f)) {
                if (in == null) {
                    throw new IOException("training resource " + f + " missing from the jar");
                }
                Files.copy(in, dir.resolve(f));
            }
        }
        List<String> verify = List.of(
                "verify",
                "--ak",
                dir.resolve("ak.pem").toString(),
                "-m",
                dir.resolve("q.msg").toString(),
                "-s",
                dir.resolve("q.sig").toString(),
                "-q",
                "0102030405060708",
                "-l",
                "sha256:0-7",
                "-f",
                dir.resolve("q.pcrs").toString());
        List<String> json = new java.util.ArrayList<>(verify);
        json.add("--json");
        return List.of(verify, List.copyOf(json));
    }
}
