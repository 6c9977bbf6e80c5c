package dev.psk.keygen.source;

import dev.psk.common.IoErrors;
import dev.psk.keygen.health.HealthTestParameters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A hardware RNG or any other character device (or a FIFO fed by one), read sequentially.
 * Regular files are refused: a file replays the same bytes every time, so two pads made from it
 * would be identical.
 */
public final class DeviceSource implements EntropySource {
    /** Small chunks: hardware RNGs deliver kilobytes to megabytes per second. */
    public static final int CHUNK_BYTES = 64 << 10;

    private static final int S_IFMT = 0170000, S_IFCHR = 0020000, S_IFIFO = 0010000;

    private final Path path;
    private final FileChannel channel;
    private long delivered;

    private DeviceSource(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /**
     * Opens a device for reading.
     *
     * @throws EntropySourceException when the path is missing, unreadable, or not a character device or FIFO
     */
    public static DeviceSource open(Path path) throws EntropySourceException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode");
        } catch (NoSuchFileException e) {
            throw new EntropySourceException("--source " + path + ": no such device");
        } catch (IOException | UnsupportedOperationException e) {
            throw new EntropySourceException("--source " + path + ": cannot inspect: " + IoErrors.reason(e), e);
        }
        int type = mode & S_IFMT;
        if (type != S_IFCHR && type != S_IFIFO) {
            String what = Files.isDirectory(path)
                    ? "a directory"
                    : Files.isRegularFile(path) ? "a regular file" : "not a device";
            throw new EntropySourceException("--source " + path
                    + ": expected a character device such as /dev/hwrng (or a FIFO), got " + what
                    + (Files.isRegularFile(path) ? " (a file replays the same bytes: never a pad source)" : ""));
        }
        try {
            return new DeviceSource(path, FileChannel.open(path, StandardOpenOption.READ));
        } catch (IOException e) {
            throw new EntropySourceException("--source " + path + ": cannot open: " + IoErrors.reason(e), e);
        }
    }

    @Override
    public String description() {
        return "device " + path;
    }

    @Override
    public double assumedMinEntropy() {
        return HealthTestParameters.DEVICE_MIN_ENTROPY;
    }

    @Override
    public int maxReaders() {
        return 1;
    }

    @Override
    public int chunkBytes() {
        return CHUNK_BYTES;
    }

    @Override
    public void fill(ByteBuffer dst) throws IOException, EntropySourceException {
        while (dst.hasRemaining()) {
            int n;
            try {
                n = channel.read(dst);
            } catch (IOException e) {
                throw new EntropySourceException(
                        "--source " + path + ": read failed after " + delivered + " bytes: " + IoErrors.reason(e), e);
            }
            if (n < 0) {
                throw new EntropySourceException("--source " + path + " ended after " + delivered + " bytes");
            }
            delivered += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
