package dev.psk.tunnel.cli;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.AeadBackend;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.device.PeerSession;
import dev.psk.tunnel.session.Psk2Session;
import dev.psk.tunnel.wire.Psk2Wire;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * After a crash restart (docs/protocol.md, "Restart signal"), sends empty PSK2 packets to the peer
 * once per tick until the peer is heard from, at most {@link #MAX_KEEPALIVES} times. Without them
 * a restarted end whose peer's packets all fall below its RX floor would never send anything and
 * so never deliver the signal. Empty packets are valid PSK2 (the vectors carry one): the seed
 * decrypts and discards them. Used only with the handshake off; the handshake announces floors.
 */
final class RestartAnnouncer implements AutoCloseable {
    static final int MAX_KEEPALIVES = 10;

    private final Device device;
    private final Peer peer;
    private final Psk2Session session;
    private final PacketAead aead;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(Psk2Wire.BUFFER_BYTES);
    private int sent;

    RestartAnnouncer(Device device, Peer peer, Psk2Session session, AeadBackend aeadBackend) {
        this.device = device;
        this.peer = peer;
        this.session = session;
        this.aead = PacketAeads.create(aeadBackend);
    }

    /** Called once per tick by the daemon loop; returns true when a keepalive went out. */
    boolean tick() {
        if (sent >= MAX_KEEPALIVES || !session.announcesRestart() || peer.endpoint() == null) {
            return false;
        }
        buf.clear();
        DropReason r = session.seal(buf, 0, aead);
        if (r != null) {
            return false;
        }
        int start = PeerSession.HEADROOM - session.headerBytes();
        buf.limit(PeerSession.HEADROOM + session.tagBytes()).position(start);
        try {
            device.sendControl(buf, peer.endpoint());
            sent++;
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        aead.close();
    }
}
