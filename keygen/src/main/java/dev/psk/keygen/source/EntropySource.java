package dev.psk.keygen.source;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a pad's bytes come from. Every byte a source delivers goes through the continuous health
 * tests before it is written; a source only has to deliver bytes or fail.
 */
public interface EntropySource extends AutoCloseable {
    /** For messages: e.g. "system (/dev/urandom)". Never contains a secret such as a PIN. */
    String description();

    /** Assumed min-entropy of one output byte, in bits: sets the health-test cutoffs. */
    double assumedMinEntropy();

    /** How many threads may call {@link #fill} at once (1 for a sequential device). */
    int maxReaders();

    /** Good request size for one {@link #fill}: large for fast sources, small for slow ones. */
    int chunkBytes();

    /**
     * Fills the buffer from its position to its limit, completely, then leaves its position at the
     * limit. Thread-safe when {@link #maxReaders()} is above 1.
     *
     * @throws EntropySourceException when the source ends, refuses or breaks
     */
    void fill(ByteBuffer dst) throws IOException, EntropySourceException;

    @Override
    void close() throws IOException;
}
