package dev.psk.tunnel.handshake;

import dev.psk.common.PskException;
import dev.psk.identity.PinnedPeers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.Set;

/**
 * {@link PinnedPeerTrust} over a pinned-peers file that is read again when it changes (size,
 * modification time or file key differ; {@link #reloadIfChanged} is polled by the handshake thread)
 * and on demand ({@link #reload}, SIGHUP). A file that no longer parses fails closed: no identity is
 * pinned until it is fixed, so a half-written edit can never widen trust.
 *
 * <p>Thread-safety: lookups read one volatile snapshot; reloads run on one thread.
 */
public final class ReloadingPeerTrust implements PeerTrust {
    private static final PeerTrust NOTHING_PINNED = new PeerTrust() {
        @Override
        public boolean acceptsAnyIdentity() {
            return false;
        }

        @Override
        public Optional<Pin> lookup(byte[] identityId) {
            return Optional.empty();
        }

        @Override
        public boolean serialAllowed(byte[] serialId) {
            return false;
        }
    };

    private final Path file;
    private final Set<String> serials;
    private volatile PeerTrust current;
    private String stamp;

    private ReloadingPeerTrust(Path file, Set<String> serials, PeerTrust first, String stamp) {
        this.file = file;
        this.serials = serials;
        this.current = first;
        this.stamp = stamp;
    }

    /** Reads {@code file} now; a missing or malformed file is an error at start-up. */
    public static ReloadingPeerTrust load(Path file, Set<String> serialAllowlist) throws PskException {
        String stamp = stamp(file);
        return new ReloadingPeerTrust(
                file, serialAllowlist, new PinnedPeerTrust(PinnedPeers.load(file), serialAllowlist), stamp);
    }

    public Path file() {
        return file;
    }

    /**
     * Reloads when the file's size, modification time or identity changed; returns null when
     * nothing changed, else a line for the log (which says whether the new file was taken).
     */
    public String reloadIfChanged() {
        String now = stamp(file);
        if (now.equals(stamp)) {
            return null;
        }
        return reload();
    }

    /** Reads the file again unconditionally; returns a line for the log. */
    public String reload() {
        stamp = stamp(file);
        try {
            current = new PinnedPeerTrust(PinnedPeers.load(file), serials);
            return "pinned peers reloaded from " + file;
        } catch (PskException e) {
            current = NOTHING_PINNED;
            return "pinned peers file " + file + " cannot be used (" + e.getMessage()
                    + "): no identity is trusted until it is fixed";
        }
    }

    private static String stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.size() + "/" + a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) + "/"
                    + a.fileKey();
        } catch (IOException e) {
            return "missing";
        }
    }

    @Override
    public boolean acceptsAnyIdentity() {
        return current.acceptsAnyIdentity();
    }

    @Override
    public Optional<Pin> lookup(byte[] identityId) {
        return current.lookup(identityId);
    }

    @Override
    public boolean serialAllowed(byte[] serialId) {
        return current.serialAllowed(serialId);
    }
}
