package dev.psk.common;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Crash-safe replacement of a file: write a temporary file in the same directory, fsync it,
 * rename it over the target, fsync the directory. At every instant the target is either the
 * old complete content or the new complete content, and a failure leaves no temporary file.
 */
public final class AtomicFiles {
    /** rw------- : pads, state files and configs holding secrets. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** Writes the whole content of a channel the caller fills. */
    @FunctionalInterface
    public interface ChannelWriter {
        void write(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Replaces {@code target} with what {@code writer} writes.
     *
     * @param overwrite when false, an existing target is refused with {@link FileAlreadyExistsException}
     *     and left untouched
     */
    public static void write(Path target, Set<PosixFilePermission> mode, boolean overwrite, ChannelWriter writer)
            throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (!overwrite && Files.exists(abs)) {
            throw new FileAlreadyExistsException(abs.toString());
        }
        Path tmp = tempSibling(abs);
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(
                    tmp,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(mode))) {
                writer.write(ch);
                ch.force(true);
            }
            if (!overwrite && Files.exists(abs)) {
                throw new FileAlreadyExistsException(abs.toString());
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
            fsyncDirectory(dir);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Replaces {@code target} with {@code content}. */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        write(target, mode, true, ch -> {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        });
    }

    /** The temporary name used for {@code target}: hidden, in the same directory, unique per process. */
    public static Path tempSibling(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.resolveSibling(
                "." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    }

    /** Makes a rename or create in {@code dir} durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
