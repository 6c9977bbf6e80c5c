package dev.psk.tunnel.pad;

import dev.psk.common.Hex;
import dev.psk.common.IoErrors;
import dev.psk.common.Secrets;
import dev.psk.common.pad.PadLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A pad on disk: whole 120-byte slots (PadLayout), of which {@code 0 .. slots-2} carry data keys and
 * the last is the control slot (fingerprint, handshake key), never used for data nor erased.
 *
 * <p>Reads are positional and thread-safe. Erasure overwrites consumed slots with zeros and
 * syncs the file: zeros rather than random bytes because the overwritten material is gone either
 * way, while zeros make the erased prefix verifiable (by {@code psk-keygen info}, and by the tunnel
 * when a state file is missing); an all-zero slot is never used as key material. A pad that cannot
 * be opened for writing (read-only media) still works, without erasure.
 */
public final class PadFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final boolean writable;
    private final long sizeBytes;
    private final byte[] fingerprint;
    private final java.util.concurrent.atomic.AtomicLong slotReads = new java.util.concurrent.atomic.AtomicLong();

    private PadFile(Path path, FileChannel channel, boolean writable, long sizeBytes, byte[] fingerprint) {
        this.path = path;
        this.channel = channel;
        this.writable = writable;
        this.sizeBytes = sizeBytes;
        this.fingerprint = fingerprint;
    }

    /** Opens {@code path} for reading and, when possible, for erasure. */
    public static PadFile open(Path path) throws PadException {
        return open(path, true);
    }

    /**
     * Opens {@code path}; with {@code allowErase} false (or when the file or its file system is
     * read-only) the pad is only read and consumed slots are not erased.
     */
    public static PadFile open(Path path, boolean allowErase) throws PadException {
        FileChannel ch = null;
        boolean writable = false;
        if (Files.isDirectory(path)) {
            throw new PadFormatException("pad " + path + " is a directory: expected the pad file");
        }
        try {
            if (allowErase) {
                try {
                    ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    writable = true;
                } catch (java.nio.file.FileSystemException e) {
                    if (e instanceof NoSuchFileException) {
                        throw e;
                    }
                }
            }
            if (ch == null) {
                ch = FileChannel.open(path, StandardOpenOption.READ);
            }
            long size = ch.size();
            if (PadLayout.slotCount(size) < 2) {
                throw new PadFormatException("pad " + path + ": size " + size + " bytes, less than 2 slots of "
                        + PadLayout.SLOT_BYTES + " bytes (one data slot and the control slot): not a pad");
            }
            if (size % PadLayout.SLOT_BYTES != 0) {
                // psk-keygen writes whole slots only; a partial trailing slot means a truncated or
                // appended-to copy, whose control slot would not match the other end's
                throw new PadFormatException("pad " + path + ": size " + size + " is not a whole number of "
                        + PadLayout.SLOT_BYTES + "-byte slots (" + (size % PadLayout.SLOT_BYTES)
                        + " bytes past the last slot): a truncated copy? Check it with psk-keygen verify"
                        + " and copy the pad again");
            }
            byte[] control = new byte[PadLayout.SLOT_BYTES];
            readFully(ch, control, SlotSchedule.padOffset(PadLayout.controlSlotIndex(size)));
            if (isZero(control)) {
                throw new PadFormatException("pad " + path + " has an all-zero control slot: not a pad");
            }
            byte[] fp = PadLayout.fingerprint(control);
            Secrets.wipe(control);
            PadFile pad = new PadFile(path, ch, writable, size, fp);
            ch = null;
            return pad;
        } catch (NoSuchFileException e) {
            throw new PadException("pad " + path + " does not exist");
        } catch (IOException e) {
            throw new PadException("cannot read pad " + path + ": " + IoErrors.reason(e), e);
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }
    }

    public Path path() {
        return path;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    /** All whole slots, control slot included. */
    public long slotCount() {
        return PadLayout.slotCount(sizeBytes);
    }

    /** Slots usable for data: {@code 0 .. dataSlotCount()-1}. */
    public long dataSlotCount() {
        return PadLayout.dataSlotCount(sizeBytes);
    }

    /** Whether consumed slots can be erased. */
    public boolean writable() {
        return writable;
    }

    /** The 16-byte pad fingerprint (a copy). */
    public byte[] fingerprint() {
        return fingerprint.clone();
    }

    public String fingerprintHex() {
        return Hex.encode(fingerprint);
    }

    /**
     * Reads data slot {@code index} into {@code dst} (120 bytes).
     *
     * @throws IllegalArgumentException when {@code index} is not a data slot
     */
    public void readSlot(long index, byte[] dst) throws IOException {
        checkDataSlot(index);
        slotReads.incrementAndGet();
        readFully(channel, dst, SlotSchedule.padOffset(index));
    }

    /**
     * Reads data slot {@code index} into {@code dst[0, 120)}; on return position is 0 and limit
     * 120. With a direct buffer this allocates nothing, which is why the packet threads use it.
     */
    public void readSlot(long index, ByteBuffer dst) throws IOException {
        checkDataSlot(index);
        slotReads.incrementAndGet();
        dst.clear().limit(PadLayout.SLOT_BYTES);
        long pos = SlotSchedule.padOffset(index);
        while (dst.hasRemaining()) {
            if (channel.read(dst, pos + dst.position()) < 0) {
                throw new IOException("unexpected end of pad at offset " + (pos + dst.position()));
            }
        }
        dst.flip();
    }

    /** How many data-slot reads this pad served (diagnostics; tests show forged datagrams cause none). */
    public long slotReads() {
        return slotReads.get();
    }

    /** Whether data slot {@code index} reads as all zeros (erased). */
    public boolean isErased(long index) throws IOException {
        byte[] b = new byte[PadLayout.SLOT_BYTES];
        readSlot(index, b);
        boolean zero = isZero(b);
        Secrets.wipe(b);
        return zero;
    }

    /** The first slot at or after {@code from} that is not erased (at most {@code dataSlotCount()}). */
    public long erasedPrefixFrom(long from) throws IOException {
        long i = from;
        while (i < dataSlotCount() && isErased(i)) {
            i++;
        }
        return i;
    }

    /** Overwrites data slots {@code [from, to)} with zeros and syncs the file to stable storage. */
    public void erase(long from, long to) throws IOException {
        if (!writable) {
            throw new IOException("pad " + path + " is read-only");
        }
        if (from < 0 || to > dataSlotCount() || from > to) {
            throw new IllegalArgumentException(
                    "erase range [" + from + ", " + to + ") outside data slots 0.." + dataSlotCount());
        }
        ByteBuffer zeros = ByteBuffer.allocate(PadLayout.SLOT_BYTES * 256);
        long pos = SlotSchedule.padOffset(from);
        long end = SlotSchedule.padOffset(to);
        while (pos < end) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), end - pos));
            while (zeros.hasRemaining()) {
                pos += channel.write(zeros, pos);
            }
        }
        channel.force(false);
    }

    static boolean isZero(byte[] b) {
        int acc = 0;
        for (byte x : b) {
            acc |= x;
        }
        return acc == 0;
    }

    private void checkDataSlot(long index) {
        if (index < 0 || index >= dataSlotCount()) {
            throw new IllegalArgumentException(
                    "slot " + index + " is not a data slot of pad " + path + " (0.." + (dataSlotCount() - 1) + ")");
        }
    }

    private static void readFully(FileChannel ch, byte[] dst, long pos) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(dst);
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                throw new IOException("unexpected end of pad at offset " + (pos + b.position()));
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was written that close could lose: erase() syncs
        }
    }

    /** True when {@code path} exists and is a regular file (for CLI messages). */
    public static boolean exists(Path path) {
        return Files.isRegularFile(path);
    }
}
