package dev.psk.tunnel.hub;

import dev.psk.tunnel.io.TunDevice;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An in-memory TUN: {@link #inject} plays the kernel sending a packet; {@link #delivered} what the tunnel wrote. */
final class MemoryTun implements TunDevice {
    private static final byte[] CLOSED = new byte[0];
    private final String name;
    private final BlockingQueue<byte[]> toTunnel = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> delivered = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    /** Kernel forwarding: IPv4 packets written here for another address are routed back out (null: none). */
    private final byte[] local;

    MemoryTun(String name) {
        this(name, null);
    }

    /** A TUN device on a host that forwards: packets not for {@code localV4} come back to be sent on. */
    MemoryTun(String name, String localV4) {
        this.name = name;
        try {
            this.local = localV4 == null
                    ? null
                    : java.net.InetAddress.getByName(localV4).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    void inject(byte[] packet) {
        toTunnel.add(packet.clone());
    }

    byte[] poll(long millis) throws InterruptedException {
        return delivered.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() {
        return 1420;
    }

    @Override
    public int read(ByteBuffer dst) {
        try {
            byte[] p = toTunnel.take();
            if (p == CLOSED) {
                return -1;
            }
            dst.put(p);
            return p.length;
        } catch (InterruptedException e) {
            return -1;
        }
    }

    @Override
    public void write(ByteBuffer src) {
        byte[] p = new byte[src.remaining()];
        src.get(p);
        if (local != null && p.length >= 20 && (p[0] >> 4) == 4 && !java.util.Arrays.equals(p, 16, 20, local, 0, 4)) {
            toTunnel.add(p);
            return;
        }
        delivered.add(p);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            toTunnel.add(CLOSED);
        }
    }
}
