package dev.psk.tunnel.io.tun;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A layer-3 packet device: the Linux TUN device (IFF_TUN | IFF_NO_PI) in production, an in-memory
 * pipe in tests. One packet per call, no packet-information prefix.
 *
 * <p>Thread-safety: one reader thread and one writer thread may use a device concurrently.
 */
public interface TunDevice extends AutoCloseable {
    /** The interface name, e.g. {@code tun0}. */
    String name();

    /** The device MTU in bytes: the largest packet {@link #read} returns. */
    int mtu();

    /**
     * Blocks until a packet arrives and copies it into {@code dst} from its position; on return the
     * position has advanced by the packet length.
     *
     * @return the packet length, or -1 once the device is closed
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Like {@link #read} but never waits: returns 0 when no packet is ready right now. A batching
     * sender uses it to collect what is already queued after a blocking {@link #read}. The default
     * reports nothing ready (batches of one).
     *
     * @return the packet length, 0 when none is ready, or -1 once the device is closed
     */
    default int readNow(ByteBuffer dst) throws IOException {
        return 0;
    }

    /**
     * Writes the bytes between position and limit of {@code src} as one packet. A device may hold
     * the packet back to join it with the next ones (TCP receive offload); it then goes out, in
     * order, at the latest on {@link #flush}.
     */
    void write(ByteBuffer src) throws IOException;

    /**
     * Hands over any packet {@link #write} held back. The writer calls it whenever it has no further
     * packet at hand (e.g. at the end of each received batch). The default has nothing to do.
     */
    default void flush() throws IOException {}

    /**
     * Packets the device dropped inside {@link #read} so far (too long for the buffer given, or an
     * offload frame that could not be cut up); the send path reports them as {@code tx_size}.
     */
    default long readDrops() {
        return 0;
    }

    /** TCP frames of several packets the kernel handed over and {@link #read} cut up (offloads). */
    default long gsoFrames() {
        return 0;
    }

    /** Packets {@link #write} joined into larger frames for the kernel (offloads). */
    default long coalescedPackets() {
        return 0;
    }

    /** One line on the device's offloads, for the start-up banner. */
    default String offloadReport() {
        return "TUN offloads: none";
    }

    /** Unblocks readers and releases the device (a TUN interface disappears). Idempotent. */
    @Override
    void close();
}
