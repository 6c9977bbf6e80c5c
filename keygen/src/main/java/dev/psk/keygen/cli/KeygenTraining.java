package dev.psk.keygen.cli;

import dev.psk.common.cli.TrainingWorkload;
import java.nio.file.Path;
import java.util.List;

/**
 * psk-keygen's AOT training commands: a small pad from the OS CSPRNG, verified and described (text
 * and JSON), so the cache covers pad generation, the health tests, the sidecar and the reports.
 */
public final class KeygenTraining implements TrainingWorkload {
    @Override
    public Class<?> tool() {
        return PskKeygen.class;
    }

    @Override
    public List<List<String>> commands(Path dir) {
        String pad = dir.resolve("training.pad").toString();
        return List.of(
                List.of("generate", pad, "--size", "1MiB"),
                List.of("verify", pad),
                List.of("info", pad),
                List.of("info", pad, "--json"));
    }
}
