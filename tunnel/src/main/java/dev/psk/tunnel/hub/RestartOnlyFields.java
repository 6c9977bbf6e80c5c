package dev.psk.tunnel.hub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The hub configuration fields a running hub cannot change: its key (the identity clients pinned),
 * where it listens, its interface, the interface's addresses and MTU, and the metrics port. A
 * reload that changes any of them is refused as a whole with "restart needed", so that the file
 * never says something the hub is not doing; the clients, their AllowedIPs and ClientToClient
 * apply live.
 *
 * <p>Thread-safety: stateless.
 */
final class RestartOnlyFields {
    private RestartOnlyFields() {}

    /**
     * The restart-only fields {@code next} changes against {@code running}, each as it is named in
     * the file with the running and the new value ("ListenPort 51820 -> 51821"); keys are named,
     * never shown. Empty when {@code next} can be applied live.
     */
    static List<String> changed(HubConfig running, HubConfig next) {
        List<String> out = new ArrayList<>();
        if (!Arrays.equals(running.publicKey(), next.publicKey())) {
            out.add("ServerX25519PrivateKey (the hub's identity)");
        }
        compare(out, "ListenAddress", running.listenAddress(), next.listenAddress());
        compare(out, "ListenPort", running.listenPort(), next.listenPort());
        compare(out, "Interface", running.interfaceName(), next.interfaceName());
        compare(out, "Address", running.addresses(), next.addresses());
        compare(out, "Mtu", running.mtu(), next.mtu());
        compare(out, "MetricsPort", running.metricsPort(), next.metricsPort());
        return out;
    }

    private static void compare(List<String> out, String field, Object running, Object next) {
        if (!Objects.equals(running, next)) {
            out.add(field + " " + running + " -> " + next);
        }
    }
}
