package dev.psk.attest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.cli.AotTraining;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The AOT cache's training run verifies a real quote: the shipped copy of it must still be accepted
 * (else training covers only the rejection path) and must be the recorded tools54 quote.
 */
class AttestTrainingTest {
    @Test
    void everyTrainingCommandSucceeds() throws Exception {
        assertThat(AotTraining.failures(PskAttest.class)).isEmpty();
    }

    @Test
    void theShippedQuoteIsTheRecordedOne() throws Exception {
        for (String f : new String[] {"ak.pem", "q.msg", "q.sig", "q.pcrs"}) {
            try (var in = AttestTraining.class.getResourceAsStream("/dev/psk/attest/training/" + f)) {
                assertThat(in).as(f).isNotNull();
                assertThat(in.readAllBytes())
                        .as(f)
                        .isEqualTo(Files.readAllBytes(Path.of("src/test/resources/dev/psk/attest/tools54", f)));
            }
        }
    }
}
