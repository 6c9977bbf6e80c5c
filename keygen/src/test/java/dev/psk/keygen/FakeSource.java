package dev.psk.keygen;

import dev.psk.keygen.source.EntropySource;
import dev.psk.keygen.source.EntropySourceException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/** A scripted source: seeded random bytes, optionally stuck from some offset, or failing, or slow. */
final class FakeSource implements EntropySource {
    private final Random random;
    private final int chunk;
    private long stuckFrom = Long.MAX_VALUE;
    private long failFrom = Long.MAX_VALUE;
    private long sleepMillisPerChunk;
    private final AtomicLong delivered = new AtomicLong();
    volatile boolean closed;

    FakeSource(long seed, int chunk) {
        this.random = new Random(seed);
        this.chunk = chunk;
    }

    FakeSource stuckFrom(long offset) {
        stuckFrom = offset;
        return this;
    }

    FakeSource failFrom(long offset) {
        failFrom = offset;
        return this;
    }

    FakeSource slow(long millisPerChunk) {
        sleepMillisPerChunk = millisPerChunk;
        return this;
    }

    long delivered() {
        return delivered.get();
    }

    @Override
    public String description() {
        return "fake";
    }

    @Override
    public double assumedMinEntropy() {
        return 7;
    }

    @Override
    public int maxReaders() {
        return 1;
    }

    @Override
    public int chunkBytes() {
        return chunk;
    }

    @Override
    public synchronized void fill(ByteBuffer dst) throws EntropySourceException {
        if (sleepMillisPerChunk > 0) {
            try {
                Thread.sleep(sleepMillisPerChunk);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EntropySourceException("interrupted");
            }
        }
        while (dst.hasRemaining()) {
            long at = delivered.get();
            if (at >= failFrom) {
                throw new EntropySourceException("fake source broke at byte " + at);
            }
            dst.put(at >= stuckFrom ? 0 : (byte) random.nextInt(256));
            delivered.incrementAndGet();
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
