package dev.psk.tunnel.state;

import dev.psk.common.state.StateFileException;
import dev.psk.common.state.TunnelState;
import dev.psk.common.state.TunnelStateFile;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.wire.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The tunnel's use of its state file: which state to start from ({@link #loadOrCreate}) and
 * durable replacement. Parsing and the file format belong to {@link TunnelStateFile}, shared with
 * {@code psk-keygen info}; this class adds the tunnel's policy (the state must match the pad and
 * role it runs with; a missing file is created only for an unused pad) and its error wording.
 */
public final class StateFile {
    /** A state file is a few hundred bytes; anything this large is not one. */
    static final int MAX_BYTES = TunnelStateFile.MAX_BYTES;

    private StateFile() {}

    /** Parses a state file's content; {@code file} names it in errors. */
    public static TunnelState decode(byte[] content, Path file) throws TunnelStateException {
        try {
            return TunnelStateFile.parse(content, "state file " + file);
        } catch (StateFileException e) {
            throw corrupt(file, e);
        }
    }

    private static TunnelStateException corrupt(Path file, StateFileException e) {
        if (e.unreadable()) {
            // not corrupt: unreadable (permissions, a directory); its content is still unknown
            return new TunnelStateException("state file " + file + ": " + e.detail());
        }
        return new TunnelStateException("state file " + file + " is corrupt: " + e.detail()
                + "; refusing to start rather than reuse key material (restore the file, or retire this pad)");
    }

    /** Reads and decodes {@code file}. */
    public static TunnelState read(Path file) throws TunnelStateException, NoSuchFileException {
        try {
            return TunnelStateFile.read(file);
        } catch (StateFileException e) {
            throw corrupt(file, e);
        }
    }

    /** Replaces {@code file} with {@code s}, durably. */
    public static void write(Path file, TunnelState s) throws IOException {
        TunnelStateFile.write(file, s);
    }

    /**
     * The state to start from: the file's when it exists and matches {@code pad} and {@code role};
     * a fresh one (written durably before returning) when it is missing and the pad's first data slot
     * is intact. Erasure interrupted by a crash (slots erased beyond the recorded prefix) is picked up.
     */
    public static TunnelState loadOrCreate(Path file, PadFile pad, Role role) throws TunnelStateException {
        String fp = pad.fingerprintHex();
        try {
            TunnelState s;
            try {
                s = read(file);
            } catch (NoSuchFileException e) {
                if (pad.isErased(0)) {
                    long erased = pad.erasedPrefixFrom(0);
                    throw new TunnelStateException("state file " + file + " is missing, but pad " + pad.path()
                            + " (fingerprint " + fp + ") has its first " + erased
                            + " slot(s) erased, so it has been used: put this end's state file back if it still exists (never an"
                            + " older copy), otherwise retire the pad; starting from zero could reuse key material");
                }
                s = new TunnelState(fp, role == Role.INITIATOR, 0, 0, 0, pad.slotCount(), true);
                Path dir = file.toAbsolutePath().getParent();
                if (dir != null && !Files.isDirectory(dir)) {
                    Files.createDirectories(
                            dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                }
                write(file, s);
                return s;
            }
            if (!s.padFingerprint().equals(fp)) {
                throw new TunnelStateException("state file " + file + " belongs to the pad with fingerprint "
                        + s.padFingerprint() + ", but pad " + pad.path() + " has fingerprint " + fp
                        + ": use the state file of this pad (or --state with a new path for a new pad)");
            }
            if (s.initiator() != (role == Role.INITIATOR)) {
                throw new TunnelStateException("state file " + file + " was written by the " + s.roleLabel()
                        + ", but this end runs as the " + role.label() + ": each end keeps its own state file");
            }
            if (s.padSlots() != 0 && s.padSlots() != pad.slotCount()) {
                throw new TunnelStateException("state file " + file + " records " + s.padSlots()
                        + " pad slots, but pad " + pad.path() + " has " + pad.slotCount()
                        + " with the same fingerprint: the pad was truncated or extended");
            }
            if (s.erasedSlots() > pad.dataSlotCount()) {
                throw new TunnelStateException("state file " + file + " records " + s.erasedSlots()
                        + " erased slots, more than the " + pad.dataSlotCount() + " data slots of pad " + pad.path());
            }
            long erased = pad.erasedPrefixFrom(s.erasedSlots());
            return erased == s.erasedSlots() ? s : s.withErased(erased);
        } catch (IOException e) {
            throw new TunnelStateException(
                    "cannot use state file " + file + " with pad " + pad.path() + ": " + e.getMessage(), e);
        }
    }
}
