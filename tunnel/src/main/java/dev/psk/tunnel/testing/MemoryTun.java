package dev.psk.tunnel.testing;

import dev.psk.tunnel.io.TunDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory {@link TunDevice} for tests and tools: {@link #inject} plays the kernel sending a
 * packet into the tunnel (the device's {@link #read} returns it), {@link #take} collects what the
 * tunnel delivered (the device's {@link #write}). Not a network interface: nothing reaches the OS.
 * Bounded queues; allocates per packet (test code).
 */
public final class MemoryTun implements TunDevice {
    private static final byte[] CLOSED = new byte[0];
    private final String name;
    private final int mtu;
    private final BlockingQueue<byte[]> toTunnel;
    private final BlockingQueue<byte[]> fromTunnel;
    private volatile boolean closed;

    public MemoryTun(String name, int mtu, int capacity) {
        this.name = name;
        this.mtu = mtu;
        this.toTunnel = new ArrayBlockingQueue<>(capacity + 1);
        this.fromTunnel = new ArrayBlockingQueue<>(capacity);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    /** Queues a packet for the tunnel to send; blocks while the queue is full. */
    public void inject(byte[] packet) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        toTunnel.put(packet.clone());
    }

    /** The next packet the tunnel delivered, or null after {@code timeoutMillis}. */
    public byte[] take(long timeoutMillis) throws InterruptedException {
        return fromTunnel.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    public int delivered() {
        return fromTunnel.size();
    }

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
            throw new IOException("TUN " + name + " closed");
        }
        byte[] p = new byte[src.remaining()];
        src.get(p);
        if (!fromTunnel.offer(p)) {
            throw new IOException("TUN " + name + " receive queue full");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            toTunnel.offer(CLOSED);
        }
    }
}
