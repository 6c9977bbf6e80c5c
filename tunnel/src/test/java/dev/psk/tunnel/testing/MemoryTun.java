package dev.psk.tunnel.testing;

import dev.psk.tunnel.io.tun.TunDevice;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory {@link TunDevice} for tests: {@link #inject} plays the kernel sending a packet into
 * the tunnel (the device's {@link #read} returns it), {@link #take} collects what the tunnel
 * delivered (the device's {@link #write}). Not a network interface: nothing reaches the OS.
 *
 * <p>A {@linkplain #forwarding forwarding} device plays a host that routes between tunnel peers (a
 * hub): an IPv4 packet written to it for an address other than its own goes back out through
 * {@link #read}, as the kernel's forwarding would send it.
 *
 * <p>Queues are bounded by the capacity given (unbounded by default); allocates per packet.
 * Published in psk-tunnel's test-jar for other modules' tests.
 */
public final class MemoryTun implements TunDevice {
    /** The MTU of devices made without one. */
    public static final int DEFAULT_MTU = 1420;

    private static final byte[] CLOSED = new byte[0];
    private final String name;
    private final int mtu;
    private final BlockingQueue<byte[]> toTunnel;
    private final BlockingQueue<byte[]> fromTunnel;
    /** The host's IPv4 address when it forwards, else null. */
    private final byte[] localV4;

    private volatile boolean closed;

    /** A device with the {@link #DEFAULT_MTU} and unbounded queues. */
    public MemoryTun(String name) {
        this(name, DEFAULT_MTU, Integer.MAX_VALUE - 1, null);
    }

    /** A device whose queues hold {@code capacity} packets each ({@link #inject} waits when full). */
    public MemoryTun(String name, int mtu, int capacity) {
        this(name, mtu, capacity, null);
    }

    private MemoryTun(String name, int mtu, int capacity, byte[] localV4) {
        if (capacity < 1 || capacity == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("capacity must be 1.." + (Integer.MAX_VALUE - 1) + ", not " + capacity);
        }
        this.name = name;
        this.mtu = mtu;
        this.toTunnel = new LinkedBlockingQueue<>(capacity + 1); // room for the close marker
        this.fromTunnel = new LinkedBlockingQueue<>(capacity);
        this.localV4 = localV4;
    }

    /** A device on a host with IPv4 address {@code localV4} that forwards other packets back out. */
    public static MemoryTun forwarding(String name, String localV4) {
        try {
            byte[] local = InetAddress.getByName(localV4).getAddress();
            if (local.length != 4) {
                throw new IllegalArgumentException("not an IPv4 address: " + localV4);
            }
            return new MemoryTun(name, DEFAULT_MTU, Integer.MAX_VALUE - 1, local);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 address: " + localV4, e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    /** Queues a packet for the tunnel to send; waits while the queue is full. */
    public void inject(byte[] packet) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("TUN " + name + " is closed");
        }
        toTunnel.put(packet.clone());
    }

    /** The next packet the tunnel delivered, or null after {@code timeoutMillis}. */
    public byte[] take(long timeoutMillis) throws InterruptedException {
        return fromTunnel.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** How many delivered packets wait to be {@linkplain #take taken}. */
    public int delivered() {
        return fromTunnel.size();
    }

    /** Copies the next injected packet into {@code dst}, cut to its room; -1 once closed. */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (closed) {
            return -1;
        }
        byte[] p;
        try {
            p = toTunnel.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        if (p == CLOSED || closed) {
            return -1;
        }
        int n = Math.min(p.length, dst.remaining());
        dst.put(p, 0, n);
        return n;
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        if (closed) {
            throw new IOException("TUN " + name + " is closed");
        }
        byte[] p = new byte[src.remaining()];
        src.get(p);
        BlockingQueue<byte[]> to = forwards(p) ? toTunnel : fromTunnel;
        if (!to.offer(p)) {
            throw new IOException("TUN " + name + ": queue full");
        }
    }

    /** Whether a forwarding host sends {@code p} back out: IPv4, addressed to someone else. */
    private boolean forwards(byte[] p) {
        return localV4 != null && p.length >= 20 && (p[0] >> 4) == 4 && !Arrays.equals(p, 16, 20, localV4, 0, 4);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            toTunnel.offer(CLOSED);
        }
    }
}
