package dev.psk.tunnel.handshake;

import dev.psk.common.Hex;
import dev.psk.common.PskException;
import dev.psk.identity.IdentityId;
import dev.psk.identity.PinnedPeer;
import dev.psk.identity.PinnedPeers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * {@link PeerTrust} over the identity library's pinned-peers file ({@code --peers FILE}) and an
 * optional allowlist of salted serial ids ({@code --allow-serials FILE}: one hex id of 8 or 16 bytes
 * per line, {@code #} comments). Serial ids are identifiers, not secrets: compared plainly.
 */
public final class PinnedPeerTrust implements PeerTrust {
    private final PinnedPeers peers;
    private final Set<String> serials;

    public PinnedPeerTrust(PinnedPeers peers, Set<String> serialHexAllowlist) {
        this.peers = peers;
        this.serials = serialHexAllowlist == null ? null : Set.copyOf(serialHexAllowlist);
    }

    /** Reads an allowlist file; throws naming the file and line on a malformed entry. */
    public static Set<String> readSerialAllowlist(Path file) throws PskException {
        Set<String> out = new HashSet<>();
        try {
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String hex = t.toLowerCase(java.util.Locale.ROOT);
                if (!hex.matches("[0-9a-f]{16}|[0-9a-f]{32}")) {
                    throw new PskException(
                            file + ":" + n + ": expected a salted serial id of 16 or 32 hex digits, got \""
                                    + (t.length() > 40 ? t.substring(0, 40) + "…" : t) + "\"");
                }
                out.add(hex);
            }
        } catch (IOException e) {
            throw new PskException(
                    "cannot read serial allowlist " + file + ": " + dev.psk.common.IoErrors.reason(e), e);
        }
        return out;
    }

    @Override
    public boolean acceptsAnyIdentity() {
        return peers.peers().isEmpty();
    }

    /** The pinned entry with this id: enabled ones via the library's constant-time scan, else a disabled one. */
    @Override
    public Optional<Pin> lookup(byte[] identityId) {
        if (identityId.length != IdentityId.BYTES) {
            return Optional.empty();
        }
        IdentityId id = IdentityId.ofBytes(identityId);
        Optional<PinnedPeer> p = peers.find(id);
        if (p.isEmpty()) {
            p = peers.peers().stream()
                    .filter(x -> !x.enabled() && x.identityId().equals(id))
                    .findFirst();
        }
        return p.map(x -> new Pin(x.identityId().bytes(), x.publicKey(), x.enabled(), x.name()));
    }

    @Override
    public boolean serialAllowed(byte[] serialId) {
        return serials == null || serials.contains(Hex.encode(serialId));
    }
}
