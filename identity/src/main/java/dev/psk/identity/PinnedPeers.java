package dev.psk.identity;

import dev.psk.common.AtomicFiles;
import dev.psk.common.IoErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The pinned-peers file: the peers whose identity keys this device accepts. A text file an
 * operator reads and edits, one block per peer:
 *
 * <pre>
 * # comment
 * [peer site-b]
 * identity_id = 3f2a9c0d11e4b7a8
 * enabled = true
 * -----BEGIN PUBLIC KEY-----
 * MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE…
 * -----END PUBLIC KEY-----
 * </pre>
 *
 * Rules: names unique and per {@link PinnedPeer#NAME}; identity_id required and equal to the one
 * computed from the PEM (a typo cannot pin the wrong key); {@code enabled} is true or false
 * (default true); each block holds exactly one P-256 public key; ids unique. Any violation fails
 * the whole file with the entry's name and line. Immutable; {@link #find} scans every enabled
 * entry with constant-time comparisons.
 */
public final class PinnedPeers {
    private final List<PinnedPeer> peers;

    private PinnedPeers(List<PinnedPeer> peers) {
        this.peers = Collections.unmodifiableList(peers);
    }

    public static PinnedPeers empty() {
        return new PinnedPeers(List.of());
    }

    /**
     * Reads and validates a peers file.
     *
     * @throws IdentityException naming the file, the entry and its line for any malformed entry
     */
    public static PinnedPeers load(Path file) throws IdentityException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IdentityException("peers file " + file + ": no such file");
        } catch (IOException e) {
            throw new IdentityException("peers file " + file + ": cannot be read: " + IoErrors.reason(e));
        }
        try {
            return parse(text);
        } catch (IdentityException e) {
            throw new IdentityException("peers file " + file + ": " + e.getMessage());
        }
    }

    /** Like {@link #load}, but a missing file is an empty set (for commands that create it). */
    public static PinnedPeers loadOrEmpty(Path file) throws IdentityException {
        return Files.exists(file) ? load(file) : empty();
    }

    /** Parses the text of a peers file (see the class comment). */
    public static PinnedPeers parse(String text) throws IdentityException {
        return PinnedPeersParser.parse(text);
    }

    static PinnedPeers of(List<PinnedPeer> peers) {
        return new PinnedPeers(new ArrayList<>(peers));
    }

    /** Every entry, enabled or not, in file order. */
    public List<PinnedPeer> peers() {
        return peers;
    }

    /**
     * The enabled peer with this identity_id. Every entry is compared in constant time and the
     * scan never stops early, so timing does not depend on which entry (if any) matched.
     */
    public Optional<PinnedPeer> find(IdentityId id) {
        byte[] probe = id.bytes();
        PinnedPeer found = null;
        for (PinnedPeer p : peers) {
            boolean hit = p.identityId().matches(probe) & p.enabled();
            found = hit ? p : found;
        }
        return Optional.ofNullable(found);
    }

    /** The entry with this name, enabled or not. */
    public Optional<PinnedPeer> byName(String name) {
        return peers.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * A copy with {@code peer} added.
     *
     * @throws IdentityException when its name or identity_id is already pinned
     */
    public PinnedPeers with(PinnedPeer peer) throws IdentityException {
        for (PinnedPeer p : peers) {
            if (p.name().equals(peer.name())) {
                throw new IdentityException(
                        "peer '" + peer.name() + "' is already pinned (identity_id " + p.identityId() + ")");
            }
            if (p.identityId().equals(peer.identityId())) {
                throw new IdentityException(
                        "identity_id " + peer.identityId() + " is already pinned as '" + p.name() + "'");
            }
        }
        List<PinnedPeer> out = new ArrayList<>(peers);
        out.add(peer);
        return new PinnedPeers(out);
    }

    /**
     * A copy without the entry named {@code nameOrId} (a name, or 16 hex digits of an identity_id).
     *
     * @throws IdentityException when no entry matches
     */
    public PinnedPeers without(String nameOrId) throws IdentityException {
        PinnedPeer target = resolve(nameOrId);
        List<PinnedPeer> out = new ArrayList<>(peers);
        out.remove(target);
        return new PinnedPeers(out);
    }

    /** A copy with the entry named {@code nameOrId} enabled or disabled. */
    public PinnedPeers withEnabled(String nameOrId, boolean enabled) throws IdentityException {
        PinnedPeer target = resolve(nameOrId);
        List<PinnedPeer> out = new ArrayList<>(peers);
        out.set(out.indexOf(target), target.withEnabled(enabled));
        return new PinnedPeers(out);
    }

    private PinnedPeer resolve(String nameOrId) throws IdentityException {
        for (PinnedPeer p : peers) {
            if (p.name().equals(nameOrId) || p.identityId().hex().equalsIgnoreCase(nameOrId)) {
                return p;
            }
        }
        List<String> names =
                peers.stream().map(p -> p.name() + " (" + p.identityId() + ")").toList();
        throw new IdentityException("no pinned peer named or with identity_id \"" + nameOrId + "\"; pinned: "
                + (names.isEmpty() ? "none" : String.join(", ", names)));
    }

    /** The file text (see the class comment); {@code parse(format())} gives this set back. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Pinned peers: identity keys this device accepts (psk-provision pin add|remove|list).\n");
        sb.append("# identity_id = first 8 bytes of SHA-256 over the key's SubjectPublicKeyInfo DER.\n");
        for (PinnedPeer p : peers) {
            sb.append('\n').append("[peer ").append(p.name()).append("]\n");
            sb.append("identity_id = ").append(p.identityId()).append('\n');
            sb.append("enabled = ").append(p.enabled()).append('\n');
            sb.append(Pem.encode(p.publicKey()));
        }
        return sb.toString();
    }

    /** Writes the file atomically (temp, fsync, rename), mode 0644: it holds public keys only. */
    public void save(Path file) throws IOException {
        AtomicFiles.write(
                file, format().getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-r--r--"));
    }
}
