package dev.psk.tunnel.device;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.io.TunDevice;
import dev.psk.tunnel.wire.Psk2Packet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/**
 * The receive loop: UDP datagram → peer → session open (in place) → TUN write. Owns its buffer
 * and AEAD; nothing is allocated and nothing thrown per datagram. Non-PSK2 datagrams go to the
 * control handler.
 */
final class ReceivePath implements Runnable {
    private final Device device;
    private final DatagramChannel channel;
    private final TunDevice tun;
    private final PeerDirectory peers;
    private final PacketAead aead;
    private final ByteBuffer buf;
    private final ByteBuffer readOnlyView;

    ReceivePath(Device device, DatagramChannel channel, TunDevice tun, PeerDirectory peers, PacketAead aead, int bufferBytes) {
        this.device = device;
        this.channel = channel;
        this.tun = tun;
        this.peers = peers;
        this.aead = aead;
        this.buf = ByteBuffer.allocateDirect(bufferBytes);
        this.readOnlyView = buf.asReadOnlyBuffer();
    }

    @Override
    public void run() {
        try {
            while (device.running()) {
                buf.clear();
                SocketAddress from;
                try {
                    from = channel.receive(buf);
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    device.transientError("UDP receive", e);
                    continue;
                }
                if (from instanceof InetSocketAddress src) {
                    handle(src, buf.position());
                }
            }
        } finally {
            aead.close();
        }
    }

    private void handle(InetSocketAddress src, int len) {
        if (!Psk2Packet.hasMagic(buf, len)) {
            ControlPacketHandler h = device.controlHandler();
            if (h == null) {
                device.counters().drop(DropReason.CONTROL_UNHANDLED);
                return;
            }
            readOnlyView.clear().limit(len);
            try {
                h.onControlPacket(readOnlyView, len, src, device);
            } catch (RuntimeException e) {
                device.transientError("control handler", e);
            }
            return;
        }
        Peer peer = peers.forDatagram(src, buf, len);
        if (peer == null) {
            device.counters().drop(DropReason.UNKNOWN_PEER);
            return;
        }
        TrafficCounters c = peer.counters();
        if (!peer.dataAllowed()) {
            c.drop(DropReason.GATED);
            return;
        }
        var session = peer.session();
        DropReason r = session.open(buf, len, aead);
        if (r != null) {
            c.drop(r);
            return;
        }
        int start = session.headerBytes();
        int end = len - session.tagBytes();
        buf.limit(end).position(start);
        try {
            tun.write(buf);
            c.received(end - start);
        } catch (IOException e) {
            c.drop(DropReason.TUN_WRITE);
        }
    }
}
