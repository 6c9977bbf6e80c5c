package dev.psk.common.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Commands of one tool that its JDK AOT cache is trained with besides {@code --help} (see {@link
 * AotTraining}): the everyday commands whose start-up the cache should cover, such as {@code
 * psk-attest verify}. Found with {@link java.util.ServiceLoader}, so a tool module adds one by listing
 * its implementation in {@code META-INF/services/dev.psk.common.cli.TrainingWorkload}.
 *
 * <p>Contract: the commands only read what {@link #commands} wrote and only write under {@code dir}
 * (a private directory deleted afterwards); they need no network, token, TPM or root, and each
 * should succeed (exit code 0), which the module's test checks.
 */
public interface TrainingWorkload {
    /** The main class (picocli root command) of the tool these commands belong to. */
    Class<?> tool();

    /** The argument vectors to run, in order; inputs they need are written into {@code dir} first. */
    List<List<String>> commands(Path dir) throws IOException;
}
