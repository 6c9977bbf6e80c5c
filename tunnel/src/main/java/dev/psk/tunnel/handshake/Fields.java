package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

/** Argument checks shared by the message records; messages name the field and the expected size. */
final class Fields {
    private Fields() {}

    static void check(byte[] v, int size, String what) {
        if (v == null || v.length != size) {
            throw new IllegalArgumentException(
                    what + " must be " + size + " bytes, not " + (v == null ? "null" : v.length));
        }
    }

    static void checkSerial(byte[] v) {
        if (v == null || (v.length != 0 && v.length != 8 && v.length != 16)) {
            throw new IllegalArgumentException(
                    "serial id must be 0, 8 or 16 bytes, not " + (v == null ? "null" : v.length));
        }
    }

    static void checkWants(int wants) {
        if ((wants & ~(FLAG_WANT_SIGNATURE | FLAG_WANT_QUOTE)) != 0) {
            throw new IllegalArgumentException(
                    "wants may only hold FLAG_WANT_SIGNATURE and FLAG_WANT_QUOTE, not 0x" + Integer.toHexString(wants));
        }
    }

    static void checkSignature(byte[] sig) {
        if (sig != null) {
            check(sig, SIGNATURE_BYTES, "signature");
        }
    }
}
