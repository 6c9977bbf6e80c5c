package dev.psk.keygen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.cli.AotTraining;
import org.junit.jupiter.api.Test;

/**
 * The AOT cache's training commands still run: a renamed option would otherwise make training fail
 * silently and the cache stop covering generate, verify and info.
 */
class KeygenTrainingTest {
    @Test
    void everyTrainingCommandSucceeds() throws Exception {
        assertThat(new KeygenTraining().tool()).isEqualTo(PskKeygen.class);
        assertThat(AotTraining.failures(PskKeygen.class)).isEmpty();
    }
}
