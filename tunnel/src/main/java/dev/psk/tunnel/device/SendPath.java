package dev.psk.tunnel.device;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.io.tun.TunDevice;
import dev.psk.tunnel.io.udp.DatagramBatch;
import dev.psk.tunnel.io.udp.NativeUdpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The send loop: TUN read (placed after {@link PeerSession#HEADROOM} bytes) → peer → session seal
 * in place → UDP send, a batch at a time. The first read of a batch blocks; further reads take only
 * packets the TUN device already holds ({@link TunDevice#readNow}), up to {@link #BATCH} packets, so
 * a lone packet is sent at once and a burst costs one {@code sendmmsg(2)}. Packets are sealed in
 * TUN order, so sequence numbers rise in send order. Owns its batch and AEAD; nothing is allocated
 * per packet.
 */
final class SendPath implements Runnable {
    /** Packets per send call: one 64 KiB TSO frame (about 47 segments) fits, and 64 is the most one UDP GSO send may carry. */
    static final int BATCH = 64;
    /** Room behind a packet for the session's tag (and slack). */
    private static final int TAIL_BYTES = 64;

    private final Device device;
    private final NativeUdpSocket socket;
    private final TunDevice tun;
    private final PeerDirectory peers;
    private final PacketAead aead;
    private final DatagramBatch batch;
    private final int mtu;
    /** Per slot of the batch being filled: its peer and plaintext length (for the counters). */
    private final Peer[] slotPeer = new Peer[BATCH];

    private final int[] slotLength = new int[BATCH];
    /** The device's own read drops already added to the counters. */
    private long reportedTunDrops;
    /** A peer whose session sealed its last possible packet in the batch being filled, or null. */
    private Peer exhaustedPeer;
    /** TUN reads that failed in a row; {@link #FATAL_READ_FAILURES} of them end the device. */
    private int readFailures;
    /** Consecutive failed TUN reads (20 ms apart, about a second) taken as a lost device. */
    static final int FATAL_READ_FAILURES = 50;

    SendPath(Device device, NativeUdpSocket socket, TunDevice tun, PeerDirectory peers, PacketAead aead) {
        this.device = device;
        this.socket = socket;
        this.tun = tun;
        this.peers = peers;
        this.aead = aead;
        this.mtu = tun.mtu();
        this.batch = socket.newBatch(BATCH, PeerSession.HEADROOM + Math.max(mtu, 1) + TAIL_BYTES);
    }

    @Override
    public void run() {
        try {
            while (device.running()) {
                int filled = 0;
                boolean tunClosed = false;
                for (int attempt = 0; attempt < BATCH; attempt++) {
                    ByteBuffer buf = batch.buffer(filled);
                    buf.clear().position(PeerSession.HEADROOM).limit(buf.capacity() - TAIL_BYTES);
                    int n;
                    try {
                        n = attempt == 0 ? tun.read(buf) : tun.readNow(buf);
                    } catch (IOException e) {
                        if (!device.running()) {
                            tunClosed = true;
                            break;
                        }
                        if (readFailed(e)) {
                            return;
                        }
                        break;
                    }
                    readFailures = 0;
                    if (n < 0) {
                        tunClosed = true;
                        break;
                    }
                    if (n == 0 && attempt > 0) {
                        break; // nothing more queued: send what we have
                    }
                    if (seal(buf, n, filled)) {
                        filled++;
                    }
                }
                if (filled > 0 && !flush(filled)) {
                    device.failed("UDP socket closed under the tunnel");
                    return;
                }
                if (exhaustedPeer != null) {
                    Peer p = exhaustedPeer; // its last packet went out with this batch
                    exhaustedPeer = null;
                    device.padExhausted(p);
                }
                long tunDrops = tun.readDrops();
                if (tunDrops != reportedTunDrops) {
                    device.counters().drop(DropReason.TX_SIZE, tunDrops - reportedTunDrops);
                    reportedTunDrops = tunDrops;
                }
                if (tunClosed) {
                    device.failed("TUN device " + tun.name() + " was closed under the tunnel");
                    return;
                }
            }
        } finally {
            aead.close();
        }
    }

    /** Seals one TUN packet into slot {@code slot}; false (a counted drop) when it is not to be sent. */
    private boolean seal(ByteBuffer buf, int n, int slot) {
        if (n == 0 || n > mtu) {
            device.counters().drop(DropReason.TX_SIZE);
            return false;
        }
        Peer peer = peers.forPacket(buf, PeerSession.HEADROOM, n);
        if (peer == null) {
            device.counters().drop(DropReason.NO_ROUTE);
            return false;
        }
        TrafficCounters c = peer.counters();
        InetSocketAddress to = peer.endpoint();
        if (to == null) { // a hub client that has not completed a handshake (since the hub started)
            c.drop(DropReason.NO_SESSION);
            return false;
        }
        if (!peer.dataAllowed()) {
            c.drop(DropReason.GATED);
            return false;
        }
        PeerSession s = peer.session();
        DropReason r = s.seal(buf, n, aead);
        if (r != null) {
            c.drop(r);
            if (r == DropReason.PAD_EXHAUSTED) {
                device.padExhausted(peer);
            }
            return false;
        }
        if (s.exhausted()) {
            exhaustedPeer = peer;
        }
        buf.limit(PeerSession.HEADROOM + n + s.tagBytes()).position(PeerSession.HEADROOM - s.headerBytes());
        batch.destination(slot, to);
        slotPeer[slot] = peer;
        slotLength[slot] = n;
        return true;
    }

    /** Counts a failed TUN read; true (device failed) when reads have failed for about a second. */
    private boolean readFailed(IOException e) {
        device.transientError("TUN read", e);
        if (++readFailures >= FATAL_READ_FAILURES) {
            device.failed("TUN device " + tun.name() + " keeps failing (" + e.getMessage() + ")");
            return true;
        }
        try {
            Thread.sleep(20); // a persistent error must not spin a core
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return true;
        }
        return false;
    }

    /** Sends slots 0..filled-1 in order and counts each; false when the socket is closed. */
    private boolean flush(int filled) {
        int sent = socket.send(batch, filled);
        for (int i = 0; i < filled; i++) {
            TrafficCounters c = slotPeer[i].counters();
            if (sent >= 0 && batch.sent(i)) {
                c.sent(slotLength[i]);
            } else if (sent >= 0) {
                c.drop(DropReason.UDP_SEND);
            }
            slotPeer[i] = null;
        }
        return sent >= 0;
    }
}
