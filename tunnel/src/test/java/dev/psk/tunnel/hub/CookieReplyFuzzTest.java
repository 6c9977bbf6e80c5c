package dev.psk.tunnel.hub;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Fuzz target for the cookie mechanism's network-facing checks: a client consuming a cookie reply,
 * and a hub checking mac1/mac2 of a datagram. Contract: none of them throws, and no fuzzed cookie
 * reply is ever accepted (that would be a Poly1305 forgery). In {@code mvn verify} the corpus under
 * CookieReplyFuzzTestInputs is replayed; JAZZER_FUZZ=1 fuzzes.
 */
class CookieReplyFuzzTest {
    private static final byte[] HUB_PUBLIC = new byte[HubWire.KEY_BYTES];
    private static final InetSocketAddress SOURCE = new InetSocketAddress("192.0.2.7", 51820);

    static {
        Arrays.fill(HUB_PUBLIC, (byte) 9);
    }

    @FuzzTest(maxDuration = "10m")
    void cookieReply(byte[] data) {
        CookieGenerator client = new CookieGenerator(HUB_PUBLIC, () -> 0L);
        byte[] initiation = new byte[HubWire.INITIATION_MIN_BYTES];
        initiation[0] = 1;
        client.addMacs(initiation, initiation.length);
        if (client.consumeCookieReply(data, data.length)) {
            throw new AssertionError("a fuzzed cookie reply was accepted");
        }
        CookieChecker hub = new CookieChecker(HUB_PUBLIC, () -> 0L);
        hub.checkMac1(data, data.length);
        hub.checkMac2(data, data.length, SOURCE);
    }
}
