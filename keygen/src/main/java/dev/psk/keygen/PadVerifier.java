package dev.psk.keygen;

import dev.psk.common.Hex;
import dev.psk.common.Secrets;
import dev.psk.common.pad.PadLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Checks a pad against its {@code OUT.sha256} sidecar, cheap checks first: the files exist, the
 * sidecar is one well-formed line naming this pad, the size is whole slots, then the hash.
 *
 * <p>Meant for a pad before first use: psk-tunnel overwrites consumed slots, which changes the hash.
 * When the first slot is all zeros (probability 2^-960 for random bytes) the mismatch message says
 * the pad looks partly erased.
 */
public final class PadVerifier {
    private static final int READ_BYTES = 4 << 20;

    /** A pad that matched its sidecar. */
    public record Verified(Path pad, long bytes, byte[] sha256) {
        public long slots() {
            return PadLayout.slotCount(bytes);
        }
    }

    private PadVerifier() {}

    public static Verified verify(Path pad) throws VerificationFailure, IOException {
        Path abs = pad.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs)) {
            throw new VerificationFailure(
                    VerificationFailure.Reason.PAD_MISSING,
                    pad + ": " + (Files.exists(abs) ? "not a regular file" : "no such file"));
        }
        Path sidecarPath = Sidecar.pathFor(abs);
        if (!Files.exists(sidecarPath)) {
            throw new VerificationFailure(
                    VerificationFailure.Reason.SIDECAR_MISSING,
                    "no checksum file " + Sidecar.pathFor(pad) + " (psk-keygen generate writes it beside the pad)");
        }
        Sidecar sidecar = readSidecar(sidecarPath);
        Path named = abs.resolveSibling(sidecar.fileName()).normalize();
        if (!named.equals(abs)) {
            throw new VerificationFailure(
                    VerificationFailure.Reason.SIDECAR_NAMES_OTHER_FILE,
                    sidecarPath + " is the checksum of '" + sidecar.fileName() + "', not of '" + abs.getFileName()
                            + "'");
        }
        long size = Files.size(abs);
        if (size % PadLayout.SLOT_BYTES != 0 || size == 0) {
            throw new VerificationFailure(
                    VerificationFailure.Reason.NOT_WHOLE_SLOTS,
                    pad + ": size " + size + " is not a whole number of " + PadLayout.SLOT_BYTES + "-byte slots ("
                            + size % PadLayout.SLOT_BYTES + " bytes past the last slot)");
        }
        byte[] actual = sha256(abs);
        if (!Secrets.equal(actual, sidecar.sha256())) {
            String hint = firstSlotZeroed(abs)
                    ? "; its first slot is all zeros, so psk-tunnel has erased used slots: verify checks a pad before first use"
                    : "";
            throw new VerificationFailure(
                    VerificationFailure.Reason.MISMATCH,
                    pad + ": SHA-256 " + Hex.encode(actual) + " does not match " + Hex.encode(sidecar.sha256()) + " in "
                            + sidecarPath.getFileName() + hint);
        }
        return new Verified(abs, size, actual);
    }

    /** SHA-256 of a whole file, read once in large chunks. */
    public static byte[] sha256(Path file) throws IOException {
        MessageDigest sha = PadGenerator.sha256();
        ByteBuffer buf = ByteBuffer.allocateDirect(READ_BYTES);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf.clear()) >= 0) {
                sha.update(buf.flip());
            }
        }
        return sha.digest();
    }

    private static Sidecar readSidecar(Path sidecarPath) throws VerificationFailure, IOException {
        if (Files.size(sidecarPath) > 64 << 10) {
            throw new VerificationFailure(
                    VerificationFailure.Reason.SIDECAR_MALFORMED,
                    sidecarPath + ": too large for a one-line checksum file");
        }
        try {
            return Sidecar.parse(Files.readString(sidecarPath, StandardCharsets.UTF_8), sidecarPath.toString());
        } catch (MalformedInputException e) {
            throw new VerificationFailure(
                    VerificationFailure.Reason.SIDECAR_MALFORMED, sidecarPath + ": not UTF-8 text");
        } catch (IllegalArgumentException e) {
            throw new VerificationFailure(VerificationFailure.Reason.SIDECAR_MALFORMED, e.getMessage());
        } catch (IOException e) {
            // name the sidecar, not the pad: it is the file that could not be read
            throw new VerificationFailure(
                    VerificationFailure.Reason.SIDECAR_MISSING,
                    "checksum file " + sidecarPath + ": cannot read: " + dev.psk.common.IoErrors.reason(e));
        }
    }

    private static boolean firstSlotZeroed(Path pad) throws IOException {
        ByteBuffer slot = ByteBuffer.allocate(PadLayout.SLOT_BYTES);
        try (FileChannel ch = FileChannel.open(pad, StandardOpenOption.READ)) {
            while (slot.hasRemaining() && ch.read(slot) >= 0) {
                // read the whole first slot
            }
        }
        byte[] b = slot.array();
        boolean zero = !slot.hasRemaining() && Secrets.equal(b, new byte[PadLayout.SLOT_BYTES]);
        Secrets.wipe(b);
        return zero;
    }
}
