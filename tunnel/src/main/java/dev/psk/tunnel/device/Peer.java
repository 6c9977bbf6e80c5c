package dev.psk.tunnel.device;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One remote end: where to send (the endpoint), whose datagrams to take (same IP as the endpoint,
 * any port, like the seed), its session (keys, sequences, replay window), a data gate and counters.
 *
 * <p>Hooks for a handshake: {@link #rebind} moves the endpoint (roaming, or the address learnt from
 * a HELLO); {@link #allowData} opens or closes the gate — while closed, data in either direction is
 * dropped and counted as GATED. Both are safe from any thread and take effect on the next packet.
 */
public final class Peer {
    private final String name;
    private final PeerSession session;
    private final TrafficCounters counters = new TrafficCounters();
    private volatile InetSocketAddress endpoint;
    private volatile boolean dataAllowed;

    /**
     * @param endpoint where datagrams go; null until a handshake binds one
     * @param dataAllowed initial gate: true when no handshake is required
     */
    public Peer(String name, PeerSession session, InetSocketAddress endpoint, boolean dataAllowed) {
        this.name = Objects.requireNonNull(name);
        this.session = Objects.requireNonNull(session);
        this.endpoint = endpoint;
        this.dataAllowed = dataAllowed;
    }

    public String name() {
        return name;
    }

    public PeerSession session() {
        return session;
    }

    public TrafficCounters counters() {
        return counters;
    }

    public InetSocketAddress endpoint() {
        return endpoint;
    }

    /** Sets where datagrams go and whose datagrams are accepted (roaming). */
    public void rebind(InetSocketAddress newEndpoint) {
        this.endpoint = newEndpoint;
    }

    public boolean dataAllowed() {
        return dataAllowed;
    }

    /** Opens (true) or closes (false) the data gate. */
    public void allowData(boolean allowed) {
        this.dataAllowed = allowed;
    }

    /** Whether a datagram from {@code source} belongs to this peer: same IP as the endpoint, any port. */
    public boolean acceptsSource(InetSocketAddress source) {
        InetSocketAddress ep = endpoint;
        if (ep == null) {
            return false;
        }
        InetAddress want = ep.getAddress();
        return want != null && want.equals(source.getAddress());
    }

    @Override
    public String toString() {
        return "Peer[" + name + " " + endpoint + "]";
    }
}
