package dev.psk.keygen;

import dev.psk.common.AtomicFiles;
import dev.psk.common.IoErrors;
import dev.psk.common.PskException;
import dev.psk.keygen.health.HealthMonitor;
import dev.psk.keygen.health.HealthTestParameters;
import dev.psk.keygen.source.EntropySource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes a pad in one pass: reader threads fill buffers from the source while this thread
 * health-tests, hashes and writes each buffer as it arrives, so no byte is read twice and the
 * source stays the bottleneck. A background thread fdatasyncs every {@link #SYNC_BYTES} so the
 * final fsync has little left to flush.
 *
 * <p>Atomicity: the pad is written to a temporary file beside {@code OUT} ({@link AtomicFiles});
 * after the last byte is written and fsynced, the sidecar {@code OUT.sha256} is replaced
 * atomically, then the pad is renamed into place and the directory fsynced. A health-test
 * failure, a source failure, a write error (disk full) or a cancellation before that point
 * deletes the temporary file and leaves any existing {@code OUT} and sidecar untouched. A crash
 * between the two renames leaves a new sidecar beside the old pad, which {@code verify} reports
 * as a mismatch, never as a match.
 */
public final class PadGenerator {
    /** Dirty data is flushed in the background at this interval. */
    public static final long SYNC_BYTES = 64L << 20;
    /** Sidecar mode: a checksum is not secret and is meant to be compared by others. */
    public static final java.util.Set<java.nio.file.attribute.PosixFilePermission> SIDECAR_MODE =
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");

    private static final long POLL_MILLIS = 100;

    /** Told after every buffer written; called on the generating thread. */
    @FunctionalInterface
    public interface ProgressListener {
        void onProgress(long doneBytes, long totalBytes);
    }

    /** Writes one buffer completely; replaced in tests to inject a write failure. */
    @FunctionalInterface
    interface Sink {
        void write(FileChannel ch, ByteBuffer buf) throws IOException;
    }

    /** What was written. */
    public record Result(Path pad, Path sidecar, long bytes, byte[] sha256, Duration elapsed) {
        /** Bytes per second over the whole run, commit included. */
        public double bytesPerSecond() {
            return bytes / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    private final EntropySource source;
    private final HealthTestParameters health;
    private final ProgressListener progress;
    private final Cancellation cancellation;
    private Sink sink = PadGenerator::writeFully;

    public PadGenerator(
            EntropySource source, HealthTestParameters health, ProgressListener progress, Cancellation cancellation) {
        this.source = source;
        this.health = health;
        this.progress = progress == null ? (d, t) -> {} : progress;
        this.cancellation = cancellation == null ? new Cancellation() : cancellation;
    }

    /** For tests: a sink that fails like a full disk. */
    PadGenerator withSink(Sink testSink) {
        this.sink = testSink;
        return this;
    }

    /**
     * Generates a pad of {@code size.bytes()} bytes at {@code out}, with {@code out.sha256}.
     *
     * @param overwrite replace an existing pad and sidecar; when false either existing is refused
     * @throws PadWriteException when the target cannot be written (exists, directory missing, disk full)
     * @throws PskException for a health-test failure, a source failure or a cancellation
     */
    public Result generate(Path out, PadSize size, boolean overwrite) throws PskException {
        Path pad = out.toAbsolutePath().normalize();
        Path sidecar = Sidecar.pathFor(pad);
        checkTarget(out, pad, sidecar, overwrite);
        long start = System.nanoTime();
        byte[][] digest = new byte[1][];
        try {
            AtomicFiles.write(pad, AtomicFiles.OWNER_ONLY, overwrite, ch -> {
                try {
                    digest[0] = pump(ch, size.bytes());
                    ch.force(true);
                    cancellation.beginCommit();
                    String line = Sidecar.line(digest[0], pad.getFileName().toString());
                    AtomicFiles.write(
                            sidecar,
                            SIDECAR_MODE,
                            overwrite,
                            sc -> writeFully(
                                    sc, ByteBuffer.wrap(line.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
                } catch (PskException e) {
                    throw new Carrier(e);
                }
            });
        } catch (Carrier c) {
            throw c.payload;
        } catch (FileAlreadyExistsException e) {
            throw new PadWriteException(e.getFile() + " already exists (use --force to replace it)", e);
        } catch (IOException e) {
            throw new PadWriteException("cannot write " + out + ": " + IoErrors.reason(e), e);
        }
        return new Result(pad, sidecar, size.bytes(), digest[0], Duration.ofNanos(System.nanoTime() - start));
    }

    private static void checkTarget(Path out, Path pad, Path sidecar, boolean overwrite) throws PadWriteException {
        Path dir = pad.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new PadWriteException("cannot write " + out + ": directory " + dir + " does not exist");
        }
        if (Files.isDirectory(pad)) {
            throw new PadWriteException("cannot write " + out + ": it is a directory");
        }
        if (!overwrite) {
            for (Path p : List.of(pad, sidecar)) {
                if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new PadWriteException(p + " already exists (use --force to replace it)");
                }
            }
        }
    }

    /** Moves {@code total} bytes from the source to {@code ch}; returns their SHA-256. */
    private byte[] pump(FileChannel ch, long total) throws IOException, PskException {
        int chunk = source.chunkBytes();
        if (chunk % HealthTestParameters.APT_WINDOW != 0) {
            throw new IllegalStateException("chunk size " + chunk + " is not a multiple of the APT window");
        }
        int readers = (int) Math.max(1, Math.min(source.maxReaders(), (total + chunk - 1) / chunk));
        int bufferCount = readers + 4;
        int bufferBytes = (int) Math.min(chunk, total);
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(bufferCount);
        BlockingQueue<ByteBuffer> filled = new ArrayBlockingQueue<>(bufferCount);
        for (int i = 0; i < bufferCount; i++) {
            free.add(ByteBuffer.allocateDirect(bufferBytes));
        }
        AtomicLong claimed = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> producers = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
            producers.add(Thread.ofPlatform()
                    .daemon()
                    .name("psk-keygen-source-" + i)
                    .start(() -> produce(free, filled, claimed, total, bufferBytes, failure)));
        }
        BackgroundSync sync = new BackgroundSync(ch);
        MessageDigest sha = sha256();
        HealthMonitor monitor = new HealthMonitor(health);
        long done = 0;
        long lastSync = 0;
        try {
            while (done < total) {
                ByteBuffer b = filled.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (cancellation.isCancelled()) {
                    throw new GenerationCancelledException();
                }
                if (b == null) {
                    rethrow(failure.get());
                    continue;
                }
                int len = b.remaining();
                monitor.check(b);
                sha.update(b.duplicate());
                sink.write(ch, b);
                free.add(b);
                done += len;
                progress.onProgress(done, total);
                if (done - lastSync >= SYNC_BYTES) {
                    sync.request();
                    lastSync = done;
                }
                sync.rethrow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GenerationCancelledException();
        } finally {
            for (Thread t : producers) {
                t.interrupt();
            }
            sync.stop();
        }
        sync.rethrow();
        return sha.digest();
    }

    private void produce(
            BlockingQueue<ByteBuffer> free,
            BlockingQueue<ByteBuffer> filled,
            AtomicLong claimed,
            long total,
            int bufferBytes,
            AtomicReference<Throwable> failure) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                ByteBuffer b = free.take();
                long from = claimed.getAndAdd(bufferBytes);
                if (from >= total) {
                    return;
                }
                b.clear().limit((int) Math.min(bufferBytes, total - from));
                source.fill(b);
                b.flip();
                filled.put(b);
            }
        } catch (InterruptedException | java.nio.channels.ClosedByInterruptException e) {
            // stopped by the consumer: it already knows why
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private static void rethrow(Throwable t) throws IOException, PskException {
        switch (t) {
            case null -> {}
            case PskException e -> throw e;
            case IOException e ->
                throw new dev.psk.keygen.source.EntropySourceException(
                        "reading the source failed: " + IoErrors.reason(e), e);
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException(t);
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Tunnels a checked library exception through {@link AtomicFiles.ChannelWriter}. */
    private static final class Carrier extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient PskException payload;

        Carrier(PskException payload) {
            super(payload.getMessage(), payload);
            this.payload = payload;
        }
    }
}
