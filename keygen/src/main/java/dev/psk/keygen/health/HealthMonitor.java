package dev.psk.keygen.health;

import java.nio.ByteBuffer;

/**
 * Both continuous health tests over one byte stream, with the cutoffs of one
 * {@link HealthTestParameters}. Every byte of the pad passes through {@link #check} before it is
 * kept; the first failure aborts generation.
 *
 * <p>Not thread-safe: one instance per stream.
 */
public final class HealthMonitor {
    private final HealthTestParameters parameters;
    private final RepetitionCountTest repetition;
    private final AdaptiveProportionTest proportion;
    private long tested;

    public HealthMonitor(HealthTestParameters parameters) {
        this.parameters = parameters;
        this.repetition = new RepetitionCountTest(parameters.repetitionCutoff());
        this.proportion = new AdaptiveProportionTest(parameters.proportionCutoff());
    }

    /** Tests the buffer's bytes from position to limit; the position is left unchanged. */
    public void check(ByteBuffer buf) throws HealthTestFailure {
        repetition.feed(buf);
        proportion.feed(buf);
        tested += buf.remaining();
    }

    public HealthTestParameters parameters() {
        return parameters;
    }

    /** Bytes tested so far. */
    public long tested() {
        return tested;
    }
}
