package dev.psk.attest.cli;

import dev.psk.common.IoErrors;
import dev.psk.common.cli.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the CLI's input files with a size bound; an unreadable or oversized file is a usage error. */
final class InputFiles {
    /** Largest input file: event logs are the biggest legitimate input. */
    static final int MAX_BYTES = 16 << 20;

    private InputFiles() {}

    static byte[] read(Path file, String option) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(MAX_BYTES + 1);
            if (b.length > MAX_BYTES) {
                throw new UsageException(option + " " + file + ": larger than " + MAX_BYTES + " bytes");
            }
            return b;
        } catch (IOException e) {
            throw new UsageException(option + " " + file + ": cannot read: " + IoErrors.reason(e));
        }
    }
}
