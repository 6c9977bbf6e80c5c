package dev.psk.it.hub;

import dev.psk.tunnel.hub.ClientConfig;
import dev.psk.tunnel.hub.CookieGenerator;
import dev.psk.tunnel.hub.HubConfigParser;
import dev.psk.tunnel.hub.HubWire;
import dev.psk.tunnel.hub.Tai64n;
import dev.psk.tunnel.noise.IkPsk2Handshake;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Raw hub messages for the namespace test, run inside a client namespace:
 * {@code replay HOST PORT CLIENT.json} sends one valid message 1 twice (the second is a replay);
 * {@code flood HOST PORT CLIENT.json COUNT} sends COUNT copies as fast as it can (bounded) and
 * prints how many cookie replies came back.
 */
public final class HubPacketTool {
    private HubPacketTool() {}

    public static void main(String[] args) throws Exception {
        InetSocketAddress hub = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        ClientConfig c = HubConfigParser.readClient(Path.of(args[3]));
        byte[] msg = message1(c);
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.connect(hub);
            switch (args[0]) {
                case "replay" -> {
                    ch.write(ByteBuffer.wrap(msg));
                    Thread.sleep(500);
                    ch.write(ByteBuffer.wrap(msg));
                    Thread.sleep(200);
                    System.out.println("sent=2");
                }
                case "flood" -> {
                    int count = Integer.parseInt(args[4]);
                    ch.configureBlocking(false);
                    ByteBuffer rb = ByteBuffer.allocate(256);
                    int cookies = 0;
                    long deadline = System.nanoTime() + 20_000_000_000L;
                    for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
                        ch.write(ByteBuffer.wrap(msg));
                        rb.clear();
                        while (ch.read(rb) > 0) {
                            if (rb.position() == HubWire.COOKIE_REPLY_BYTES && rb.get(0) == HubWire.TYPE_COOKIE_REPLY) {
                                cookies++;
                            }
                            rb.clear();
                        }
                    }
                    long drain = System.nanoTime() + 1_000_000_000L;
                    while (System.nanoTime() < drain) {
                        rb.clear();
                        if (ch.read(rb) > 0 && rb.position() == HubWire.COOKIE_REPLY_BYTES) {
                            cookies++;
                        }
                    }
                    System.out.println("cookies=" + cookies);
                }
                default -> throw new IllegalArgumentException("replay or flood");
            }
        }
    }

    static byte[] message1(ClientConfig c) throws Exception {
        try (IkPsk2Handshake hs = IkPsk2Handshake.initiator(
                HubWire.PROLOGUE,
                dev.psk.tunnel.crypto.X25519PrivateKey.copyOf(c.privateKey()),
                dev.psk.tunnel.crypto.X25519PublicKey.fromBytes(c.serverPublicKey()),
                dev.psk.tunnel.crypto.PresharedKey.copyOf(c.psk()))) {
            byte[] noise = hs.writeMessage1(Tai64n.encode(Instant.now()));
            byte[] msg = new byte[HubWire.INIT_NOISE_OFFSET + noise.length + 2 * HubWire.MAC_BYTES];
            msg[0] = HubWire.TYPE_INITIATION;
            msg[4] = 0x11;
            msg[5] = 0x22;
            System.arraycopy(noise, 0, msg, HubWire.INIT_NOISE_OFFSET, noise.length);
            new CookieGenerator(c.serverPublicKey()).addMacs(msg, msg.length);
            return msg;
        }
    }
}
