package dev.psk.tunnel.device;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.io.TunDevice;
import dev.psk.tunnel.session.PeerSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/**
 * The send loop: TUN read (placed after {@link PeerSession#HEADROOM} bytes) → peer → session seal
 * in place → UDP send. Owns its buffer and AEAD; nothing is allocated per packet.
 */
final class SendPath implements Runnable {
    private final Device device;
    private final DatagramChannel channel;
    private final TunDevice tun;
    private final PeerDirectory peers;
    private final PacketAead aead;
    private final ByteBuffer buf;
    private final int mtu;

    SendPath(Device device, DatagramChannel channel, TunDevice tun, PeerDirectory peers, PacketAead aead, int bufferBytes) {
        this.device = device;
        this.channel = channel;
        this.tun = tun;
        this.peers = peers;
        this.aead = aead;
        this.buf = ByteBuffer.allocateDirect(bufferBytes);
        this.mtu = tun.mtu();
    }

    @Override
    public void run() {
        try {
            while (device.running()) {
                buf.clear().position(PeerSession.HEADROOM).limit(buf.capacity() - 64);
                int n;
                try {
                    n = tun.read(buf);
                } catch (IOException e) {
                    if (!device.running()) {
                        return;
                    }
                    device.transientError("TUN read", e);
                    continue;
                }
                if (n < 0) {
                    return;
                }
                if (!send(n)) {
                    return;
                }
            }
        } finally {
            aead.close();
        }
    }

    /** Returns false when the socket is closed. */
    private boolean send(int n) {
        if (n == 0 || n > mtu) {
            device.counters().drop(DropReason.TX_SIZE);
            return true;
        }
        Peer peer = peers.forPacket(buf, PeerSession.HEADROOM, n);
        if (peer == null) {
            device.counters().drop(DropReason.NO_ROUTE);
            return true;
        }
        TrafficCounters c = peer.counters();
        InetSocketAddress to = peer.endpoint();
        if (to == null) {
            c.drop(DropReason.NO_ROUTE);
            return true;
        }
        if (!peer.dataAllowed()) {
            c.drop(DropReason.GATED);
            return true;
        }
        PeerSession s = peer.session();
        DropReason r = s.seal(buf, n, aead);
        if (r != null) {
            c.drop(r);
            if (r == DropReason.PAD_EXHAUSTED) {
                device.padExhausted(peer);
            }
            return true;
        }
        buf.limit(PeerSession.HEADROOM + n + s.tagBytes()).position(PeerSession.HEADROOM - s.headerBytes());
        try {
            channel.send(buf, to);
            c.sent(n);
        } catch (ClosedChannelException e) {
            return false;
        } catch (IOException e) {
            c.drop(DropReason.UDP_SEND);
        }
        return true;
    }
}
