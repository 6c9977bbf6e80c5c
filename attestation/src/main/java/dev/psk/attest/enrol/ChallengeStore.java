package dev.psk.attest.enrol;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.enrol.EnrolmentException.Reason;
import dev.psk.common.AtomicFiles;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

/**
 * The verifier's pending challenges, one file per challenge in a private directory: {@code
 * ID.pending} until an answer arrives, then renamed — atomically, before the answer is judged —
 * to {@code ID.used}. So each challenge is answered at most once: a replayed answer, or a second
 * guess after a wrong one, finds the challenge used. The directory keeps only a hash of the
 * expected proof, never the credential.
 */
public final class ChallengeStore {
    /** A challenge waiting for its answer. */
    public record Pending(String id, Instant expires, byte[] proofSha256, EnrolmentRequest request) {}

    private final Path dir;

    public ChallengeStore(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        this.dir = dir;
    }

    void put(Pending p) throws IOException {
        Path f = dir.resolve(p.id() + ".pending");
        if (Files.exists(f) || Files.exists(dir.resolve(p.id() + ".used"))) {
            throw new FileAlreadyExistsException(f.toString());
        }
        AtomicFiles.write(f, EnrolmentCodec.encodePending(p), AtomicFiles.OWNER_ONLY);
    }

    /** Consumes the pending challenge {@code id}: afterwards it is used, whatever the caller decides. */
    Pending take(String id) throws EnrolmentException, IOException {
        if (!id.matches("[0-9a-f]{32}")) {
            throw new EnrolmentException(Reason.CHALLENGE_UNKNOWN, "malformed challenge id");
        }
        Path pending = dir.resolve(id + ".pending");
        Path used = dir.resolve(id + ".used");
        try {
            Files.move(pending, used, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            if (Files.exists(used)) {
                throw new EnrolmentException(
                        Reason.CHALLENGE_USED, "challenge " + id + " was already answered (a replay?)");
            }
            throw new EnrolmentException(Reason.CHALLENGE_UNKNOWN, "no pending challenge " + id + " in " + dir);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("challenge state " + dir + ": the file system cannot rename atomically", e);
        }
        try {
            return EnrolmentCodec.decodePending(Files.readAllBytes(used));
        } catch (TpmFormatException e) {
            throw new IOException("challenge state " + used + " is corrupt: " + e.getMessage(), e);
        }
    }
}
