package dev.psk.keygen.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HealthTestParametersTest {
    /** SP 800-90B section 4.4.2, table 2 (W = 512, alpha = 2^-20), reproduced by the formula. */
    @ParameterizedTest(name = "H={0}: APT cutoff {1}")
    @CsvSource({"0.5, 410", "1, 311", "2, 177", "4, 62", "8, 13"})
    void proportionCutoffsMatchTheStandardsTable(double h, int cutoff) {
        assertThat(new HealthTestParameters(h, 20).proportionCutoff()).isEqualTo(cutoff);
    }

    @ParameterizedTest(name = "H={0}, alpha=2^-{1}: RCT cutoff {2}")
    @CsvSource({"1, 20, 21", "2, 20, 11", "8, 20, 4", "7, 40, 7", "6, 40, 8", "8, 40, 6", "0.5, 40, 81", "3, 40, 15"})
    void repetitionCutoffIsOnePlusCeilOfAlphaBitsOverH(double h, int alphaLog2, int cutoff) {
        assertThat(new HealthTestParameters(h, alphaLog2).repetitionCutoff()).isEqualTo(cutoff);
    }

    @Test
    void defaultsUsedByTheSourcesAreDocumentedValues() {
        // docs/keygen.md lists these numbers; change both together.
        assertThat(HealthTestParameters.forMinEntropy(7).repetitionCutoff()).isEqualTo(7);
        assertThat(HealthTestParameters.forMinEntropy(7).proportionCutoff()).isEqualTo(26);
        assertThat(HealthTestParameters.forMinEntropy(6).repetitionCutoff()).isEqualTo(8);
        assertThat(HealthTestParameters.forMinEntropy(6).proportionCutoff()).isEqualTo(35);
    }

    @Test
    void criticalBinomialIsTheSmallestValueWhoseUpperTailIsWithinAlpha() {
        // Binomial(4, 1/2): P(X>2) = 5/16, P(X>3) = 1/16, P(X>4) = 0.
        assertThat(HealthTestParameters.criticalBinomial(4, 0.5, 0.1)).isEqualTo(3);
        assertThat(HealthTestParameters.criticalBinomial(4, 0.5, 0.0625)).isEqualTo(3);
        assertThat(HealthTestParameters.criticalBinomial(4, 0.5, 0.06)).isEqualTo(4);
        assertThat(HealthTestParameters.criticalBinomial(4, 0.5, 1.0)).isEqualTo(0);
    }

    @Test
    void outOfRangeParametersAreRefused() {
        assertThatThrownBy(() -> HealthTestParameters.forMinEntropy(0.4)).hasMessageContaining("0.5 and 8");
        assertThatThrownBy(() -> HealthTestParameters.forMinEntropy(8.1)).hasMessageContaining("0.5 and 8");
        assertThatThrownBy(() -> HealthTestParameters.forMinEntropy(Double.NaN)).hasMessageContaining("0.5 and 8");
        assertThatThrownBy(() -> new HealthTestParameters(7, 19)).hasMessageContaining("2^-20 and 2^-40");
        assertThatThrownBy(() -> new HealthTestParameters(7, 41)).hasMessageContaining("2^-20 and 2^-40");
    }
}
