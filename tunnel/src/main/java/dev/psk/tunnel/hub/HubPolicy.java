package dev.psk.tunnel.hub;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One immutable snapshot of who may connect and which addresses each owns, built from a
 * {@link HubConfig}. The hub swaps snapshots whole on reload; per-packet lookups read the current
 * one without locks. Disabled clients keep no addresses: their packets match nobody.
 */
final class HubPolicy {
    /** A configured client and its runtime state (which survives reloads). */
    record Entry(AllowedClient client, ClientState state) {}

    final HubConfig config;
    private final Map<ByteBuffer, Entry> byKey = new HashMap<>();
    final AllowedIps<Entry> allowedIps = new AllowedIps<>();

    HubPolicy(HubConfig config, Map<ByteBuffer, ClientState> states, Function<AllowedClient, ClientState> newState) {
        this.config = config;
        for (AllowedClient c : config.clients()) {
            ByteBuffer k = ByteBuffer.wrap(c.publicKey());
            ClientState st = states.computeIfAbsent(k, kk -> newState.apply(c));
            st.rename(c.name());
            st.session.describeAllowedIps(
                    c.allowedIps().stream().map(Cidr::toString).toList());
            Entry e = new Entry(c, st);
            byKey.put(k, e);
            if (c.enabled()) {
                for (Cidr p : c.allowedIps()) {
                    allowedIps.insert(p, e);
                }
            }
        }
    }

    /** The entry for a client public key (enabled or not), or null. */
    Entry byKey(byte[] publicKey) {
        return byKey.get(ByteBuffer.wrap(publicKey));
    }
}
