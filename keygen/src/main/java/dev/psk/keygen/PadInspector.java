package dev.psk.keygen;

import dev.psk.common.Hex;
import dev.psk.common.Secrets;
import dev.psk.common.pad.PadLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Size, capacity and fingerprint of a pad file, read without touching more than its control slot. */
public final class PadInspector {
    /** What {@code info} shows about a pad. */
    public record PadInfo(Path pad, PadCapacity capacity, String fingerprint) {}

    private PadInspector() {}

    /**
     * Reads a pad's size and its control slot (wiped after use).
     *
     * @throws IOException when the pad cannot be read
     * @throws dev.psk.common.PskException when the path is missing, not a file, or smaller than one slot
     */
    public static PadInfo inspect(Path pad) throws IOException, dev.psk.common.PskException {
        if (!Files.isRegularFile(pad)) {
            throw new dev.psk.common.PskException(
                    pad + ": " + (Files.exists(pad) ? "not a regular file" : "no such file"));
        }
        PadCapacity capacity = new PadCapacity(Files.size(pad));
        if (capacity.slots() < 1) {
            throw new dev.psk.common.PskException(pad + ": " + capacity.padBytes() + " bytes, less than one "
                    + PadLayout.SLOT_BYTES + "-byte slot: not a pad");
        }
        byte[] control = new byte[PadLayout.SLOT_BYTES];
        try (FileChannel ch = FileChannel.open(pad, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.wrap(control);
            long at = PadLayout.controlSlotIndex(capacity.padBytes()) * PadLayout.SLOT_BYTES;
            while (b.hasRemaining()) {
                int n = ch.read(b, at + b.position());
                if (n < 0) {
                    throw new IOException(pad + " shrank while being read");
                }
            }
            return new PadInfo(pad, capacity, Hex.encode(PadLayout.fingerprint(control)));
        } finally {
            Secrets.wipe(control);
        }
    }
}
