package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.Hex;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fixed layouts, round trips and malformed input for every handshake message. */
class HandshakeCodecTest {
    final HandshakeKeys keys = HandshakeKeys.fromControlSlot(HandshakeFixture.controlSlot(1));
    final HandshakeMac mac = new HandshakeMac(keys);

    static byte[] fill(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    HelloMessage hello() {
        return new HelloMessage(
                FLAG_WANT_SIGNATURE,
                fill(8, 0x11),
                fill(32, 0x22),
                fill(8, 0x33),
                keys.padFingerprint(),
                fill(8, 0x44),
                fill(32, 0x77),
                fill(16, 0x88));
    }

    WelcomeMessage welcome(byte[] sig, QuoteSection q) {
        return new WelcomeMessage(
                0,
                fill(8, 0x11),
                fill(32, 0x22),
                fill(32, 0x55),
                fill(8, 0x66),
                keys.padFingerprint(),
                new byte[0],
                2,
                fill(32, 0x99),
                sig,
                q);
    }

    @Test
    void helloLayoutHasDocumentedOffsets() throws Exception {
        byte[] m = hello().encode(mac);
        assertThat(m).hasSize(176);
        assertThat(Hex.encode(m, 0, 16)).isEqualTo("50534b4802010004" + "1111111111111111");
        assertThat(m[HELLO_OFF_NONCE_I]).isEqualTo((byte) 0x22);
        assertThat(m[HELLO_OFF_IDENTITY]).isEqualTo((byte) 0x33);
        assertThat(Arrays.copyOfRange(m, HELLO_OFF_PAD_FP, HELLO_OFF_PAD_FP + 16))
                .isEqualTo(keys.padFingerprint());
        assertThat(m[HELLO_OFF_SERIAL_LEN]).isEqualTo((byte) 8);
        assertThat(m[HELLO_OFF_SERIAL + 7]).isEqualTo((byte) 0x44);
        assertThat(m[HELLO_OFF_SERIAL + 8]).isZero();
        assertThat(Arrays.copyOfRange(m, 96, 128)).isEqualTo(fill(32, 0x77));
        assertThat(Arrays.copyOfRange(m, 128, 144)).isEqualTo(fill(16, 0x88));
        assertThat(mac.verify(m, m.length, ROLE_INITIATOR)).isTrue();
        assertThat(mac.verify(m, m.length, ROLE_RESPONDER)).isFalse();
        HelloMessage back = HelloMessage.decode(m, m.length);
        assertThat(back.encode(mac)).isEqualTo(m);
        assertThat(HandshakeCodec.isHandshake(ByteBuffer.wrap(m))).isTrue();
        assertThat(HandshakeCodec.isHandshake(ByteBuffer.wrap("PSK2xxxx".getBytes())))
                .isFalse();
    }

    @Test
    void welcomeAndConfirmRoundTripWithOptionalSections() throws Exception {
        QuoteSection q = new QuoteSection(fill(100, 1), fill(72, 2), fill(32, 7));
        for (WelcomeMessage w : new WelcomeMessage[] {
            welcome(null, null), welcome(fill(64, 9), null), welcome(fill(64, 9), q), welcome(null, q)
        }) {
            byte[] m = w.encode(mac);
            assertThat(HandshakeCodec.validate(m, m.length)).isNull();
            assertThat(WelcomeMessage.decode(m, m.length).encode(mac)).isEqualTo(m);
        }
        byte[] plain = welcome(null, null).encode(mac);
        assertThat(plain).hasSize(WELCOME_MIN_BYTES).hasSize(192);
        assertThat(plain[105]).isEqualTo((byte) 2);
        assertThat(Arrays.copyOfRange(plain, 128, 160)).isEqualTo(fill(32, 0x99));
        assertThat(HandshakeCodec.validate(mutate(plain, WELCOME_OFF_EPOCH, 4), plain.length))
                .isEqualTo(HandshakeDrop.NONZERO_RESERVED);
        assertThat(HandshakeCodec.validate(mutate(plain, WELCOME_OFF_EPOCH + 1, 1), plain.length))
                .isEqualTo(HandshakeDrop.NONZERO_RESERVED);
        ConfirmMessage c = new ConfirmMessage(fill(8, 1), fill(32, 2), fill(32, 3), fill(64, 4), q);
        byte[] m = c.encode(mac);
        assertThat(m).hasSize(CONFIRM_MIN_BYTES + 64 + 6 + 100 + 72 + 32);
        assertThat(ConfirmMessage.decode(m, m.length).encode(mac)).isEqualTo(m);
        assertThat(ConfirmMessage.decode(m, m.length).quote()).isEqualTo(q);
    }

    @Test
    void rejectAndNoticeAreFixedSize() throws Exception {
        byte[] r = new RejectMessage(ROLE_RESPONDER, fill(8, 1), fill(32, 2), new byte[32], Refusal.DISABLED_IDENTITY)
                .encode(mac);
        assertThat(r).hasSize(REJECT_BYTES);
        assertThat(RejectMessage.decode(r, r.length).reason()).isEqualTo(Refusal.DISABLED_IDENTITY);
        byte[] n = new PadMismatchNotice(fill(8, 1), fill(32, 2), fill(16, 3)).encode();
        assertThat(n).hasSize(NOTICE_BYTES).hasSizeLessThan(HELLO_BYTES);
        assertThat(PadMismatchNotice.decode(n, n.length).padFingerprint()).isEqualTo(fill(16, 3));
    }

    @Test
    void cookieAndRekeyAreFixedSizeAndNeverLargerThanAHello() throws Exception {
        byte[] c = new CookieMessage(fill(8, 1), fill(32, 2), fill(16, 3)).encode(mac);
        assertThat(c).hasSize(COOKIE_MESSAGE_BYTES).hasSizeLessThan(HELLO_BYTES);
        assertThat(HandshakeCodec.validate(c, c.length)).isNull();
        assertThat(CookieMessage.decode(c, c.length).cookie()).isEqualTo(fill(16, 3));
        assertThat(mac.verify(c, c.length, ROLE_RESPONDER)).isTrue();
        assertThat(HandshakeCodec.validate(mutate(c, OFF_ROLE, ROLE_INITIATOR), c.length))
                .isEqualTo(HandshakeDrop.WRONG_ROLE);
        assertThat(HandshakeCodec.validate(mutate(c, OFF_FLAGS, 1), c.length))
                .isEqualTo(HandshakeDrop.NONZERO_RESERVED);
        assertThat(HandshakeCodec.validate(c, c.length - 1)).isEqualTo(HandshakeDrop.BAD_LENGTH);
        byte[] r = new RekeyRequest(fill(8, 1), fill(32, 2)).encode(mac);
        assertThat(r).hasSize(REKEY_BYTES).hasSizeLessThan(HELLO_BYTES);
        assertThat(HandshakeCodec.validate(r, r.length)).isNull();
        assertThat(HandshakeCodec.validate(mutate(r, OFF_ROLE, ROLE_INITIATOR), r.length))
                .isEqualTo(HandshakeDrop.WRONG_ROLE);
    }

    /** session_secret = HKDF(salt = psk_s, IKM = dh, info = label || th) as docs/protocol.md 3.2 says. */
    @Test
    void sessionSecretFollowsTheDocumentedSchedule() throws Exception {
        byte[] slot = HandshakeFixture.controlSlot(1);
        var a = dev.psk.tunnel.crypto.X25519.generatePrivateKey();
        var b = dev.psk.tunnel.crypto.X25519.generatePrivateKey();
        Transcript t = transcript(fill(8, 7), 1);
        byte[] mine = keys.sessionSecret(a, b.publicKey().bytes(), t).copy();
        byte[] theirs = keys.sessionSecret(b, a.publicKey().bytes(), t).copy();
        assertThat(mine).isEqualTo(theirs);
        byte[] prk = Hkdf.extract(ascii(HKDF_SALT), slot);
        byte[] pskS = Hkdf.expand(prk, ascii(INFO_SESSION_PSK), 32);
        byte[] dh = dev.psk.tunnel.crypto.X25519.agree(a, b.publicKey()).copy();
        byte[] label = ascii(INFO_SESSION_SECRET);
        byte[] info = Arrays.copyOf(label, label.length + 32);
        System.arraycopy(t.bodyHash(), 0, info, label.length, 32);
        assertThat(mine).isEqualTo(Hkdf.derive(pskS, dh, info, 32));
        // Another transcript (here: the epoch) gives another secret.
        assertThat(keys.sessionSecret(a, b.publicKey().bytes(), transcript(fill(8, 7), 2))
                        .copy())
                .isNotEqualTo(mine);
    }

    static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void keysAreDirectionalAndDifferFromTheFingerprint() {
        byte[] i2r = keys.macKeyFor(ROLE_INITIATOR);
        byte[] r2i = keys.macKeyFor(ROLE_RESPONDER);
        assertThat(i2r).isNotEqualTo(r2i).hasSize(32);
        assertThat(Arrays.copyOf(i2r, 16)).isNotEqualTo(keys.padFingerprint());
        assertThat(HandshakeKeys.fromControlSlot(HandshakeFixture.controlSlot(2))
                        .padFingerprint())
                .isNotEqualTo(keys.padFingerprint());
        assertThat(keys.toString()).doesNotContain(Hex.encode(i2r));
    }

    @Test
    void transcriptIsFixedLengthAndBindsTheSignerRole() {
        Transcript t = transcript(fill(8, 7), 0);
        byte[] a = t.encode(ROLE_INITIATOR);
        byte[] b = t.encode(ROLE_RESPONDER);
        assertThat(a).hasSize(TRANSCRIPT_BYTES).hasSize(241).isNotEqualTo(b);
        assertThat(new String(a, 0, 34, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo(TRANSCRIPT_CONTEXT);
        assertThat(a[34]).isEqualTo(VERSION);
        assertThat(a[35]).isEqualTo(ROLE_INITIATOR);
        assertThat(Arrays.copyOfRange(a, 36, 241)).isEqualTo(Arrays.copyOfRange(b, 36, 241));
        // Every field is covered: serial ids, flags and epoch change the bytes and the hash.
        assertThat(transcript(fill(8, 8), 0).encode(ROLE_INITIATOR)).isNotEqualTo(a);
        assertThat(transcript(new byte[0], 0).encode(ROLE_INITIATOR)).isNotEqualTo(a);
        assertThat(transcript(fill(8, 7), 1).bodyHash()).isNotEqualTo(t.bodyHash());
        assertThat(Transcript.sha256(Arrays.copyOfRange(a, 36, 241))).isEqualTo(t.bodyHash());
    }

    static Transcript transcript(byte[] serialI, int epoch) {
        return new Transcript(
                fill(8, 1),
                fill(32, 2),
                fill(32, 3),
                fill(32, 4),
                fill(32, 5),
                fill(8, 6),
                fill(8, 7),
                fill(16, 8),
                serialI,
                fill(16, 9),
                FLAG_WANT_SIGNATURE,
                FLAG_SIGNATURE,
                epoch);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 15, 16, 127, 128, 175, 177})
    void helloOfWrongLengthIsRejected(int len) {
        byte[] m = Arrays.copyOf(hello().encode(mac), Math.max(len, 0));
        assertThat(HandshakeCodec.validate(m, len)).isNotNull();
        assertThatThrownBy(() -> HelloMessage.decode(m, len))
                .isInstanceOf(MalformedHandshakeException.class)
                .hasMessageContaining(len + " bytes");
    }

    @Test
    void eachHeaderFieldIsChecked() {
        byte[] good = hello().encode(mac);
        assertThat(HandshakeCodec.validate(mutate(good, 0, 'X'), 176)).isEqualTo(HandshakeDrop.BAD_MAGIC);
        assertThat(HandshakeCodec.validate(mutate(good, OFF_VERSION, 1), 176)).isEqualTo(HandshakeDrop.BAD_VERSION);
        assertThat(HandshakeCodec.validate(mutate(good, OFF_TYPE, 9), 176)).isEqualTo(HandshakeDrop.BAD_TYPE);
        assertThat(HandshakeCodec.validate(mutate(good, OFF_ROLE, 1), 176)).isEqualTo(HandshakeDrop.WRONG_ROLE);
        assertThat(HandshakeCodec.validate(mutate(good, OFF_ROLE, 7), 176)).isEqualTo(HandshakeDrop.WRONG_ROLE);
        assertThat(HandshakeCodec.validate(mutate(good, OFF_FLAGS, 0x10), 176)).isEqualTo(HandshakeDrop.BAD_FLAGS);
        assertThat(HandshakeCodec.validate(mutate(good, OFF_FLAGS, FLAG_SIGNATURE), 176))
                .isEqualTo(HandshakeDrop.BAD_FLAGS);
        assertThat(HandshakeCodec.validate(mutate(good, HELLO_OFF_SERIAL_LEN, 9), 176))
                .isEqualTo(HandshakeDrop.BAD_SERIAL_LENGTH);
        assertThat(HandshakeCodec.validate(mutate(good, HELLO_OFF_SERIAL_LEN + 1, 1), 176))
                .isEqualTo(HandshakeDrop.NONZERO_RESERVED);
        assertThat(HandshakeCodec.validate(mutate(good, HELLO_OFF_SERIAL + 12, 1), 176))
                .isEqualTo(HandshakeDrop.NONZERO_RESERVED);
    }

    @Test
    void welcomeSectionsMustMatchFlagsExactly() {
        byte[] plain = welcome(null, null).encode(mac);
        assertThat(HandshakeCodec.validate(mutate(plain, OFF_FLAGS, FLAG_SIGNATURE), plain.length))
                .isEqualTo(HandshakeDrop.BAD_LENGTH);
        assertThat(HandshakeCodec.validate(mutate(plain, OFF_FLAGS, FLAG_QUOTE), plain.length))
                .isEqualTo(HandshakeDrop.BAD_QUOTE_SECTION);
        byte[] longer = Arrays.copyOf(plain, plain.length + 1);
        assertThat(HandshakeCodec.validate(longer, longer.length)).isEqualTo(HandshakeDrop.BAD_LENGTH);
        byte[] quoted = welcome(null, new QuoteSection(fill(10, 1), fill(10, 2), fill(32, 7)))
                .encode(mac);
        byte[] badLen = mutate(quoted, WELCOME_CORE_BYTES + 1, 11);
        assertThat(HandshakeCodec.validate(badLen, badLen.length)).isEqualTo(HandshakeDrop.BAD_QUOTE_SECTION);
        byte[] zeroAttest = mutate(mutate(quoted, WELCOME_CORE_BYTES, 0), WELCOME_CORE_BYTES + 1, 0);
        assertThat(HandshakeCodec.validate(zeroAttest, zeroAttest.length)).isEqualTo(HandshakeDrop.BAD_QUOTE_SECTION);
    }

    @Test
    void fragmentsAreValidatedAndReassembleToTheMessage() {
        byte[] big = new ConfirmMessage(
                        fill(8, 1),
                        fill(32, 2),
                        fill(32, 3),
                        fill(64, 4),
                        new QuoteSection(fill(1024, 5), fill(512, 6), fill(32, 7)))
                .encode(mac);
        var frags = Fragmenter.split(big, mac);
        assertThat(frags).hasSize(2).allSatisfy(f -> assertThat(f.length).isLessThanOrEqualTo(MAX_DATAGRAM_BYTES));
        Reassembler r = new Reassembler();
        var from = new java.net.InetSocketAddress("10.0.0.1", 1);
        for (byte[] f : frags) {
            assertThat(HandshakeCodec.validate(f, f.length)).isNull();
            assertThat(mac.verify(f, f.length, ROLE_INITIATOR)).isTrue();
        }
        assertThat(r.add(from, frags.get(1), frags.get(1).length, java.time.Instant.EPOCH))
                .isNull();
        assertThat(r.add(from, frags.get(1), frags.get(1).length, java.time.Instant.EPOCH))
                .isNull();
        assertThat(r.add(from, frags.get(0), frags.get(0).length, java.time.Instant.EPOCH))
                .isEqualTo(big);
        assertThat(r.inProgress()).isZero();
        byte[] f0 = frags.get(0);
        assertThat(HandshakeCodec.validate(mutate(f0, FRAG_OFF_COUNT, 1), f0.length))
                .isEqualTo(HandshakeDrop.BAD_FRAGMENT);
        assertThat(HandshakeCodec.validate(mutate(f0, FRAG_OFF_INDEX, 2), f0.length))
                .isEqualTo(HandshakeDrop.BAD_FRAGMENT);
        assertThat(HandshakeCodec.validate(mutate(f0, FRAG_OFF_OFFSET + 1, 1), f0.length))
                .isEqualTo(HandshakeDrop.BAD_FRAGMENT);
        assertThat(HandshakeCodec.validate(mutate(f0, FRAG_OFF_INNER_TYPE, TYPE_HELLO), f0.length))
                .isEqualTo(HandshakeDrop.BAD_FRAGMENT);
        assertThat(HandshakeCodec.validate(mutate(f0, FRAG_OFF_INNER_TYPE, TYPE_WELCOME), f0.length))
                .isEqualTo(HandshakeDrop.BAD_FRAGMENT);
        assertThat(HandshakeCodec.validate(mutate(f0, FRAG_OFF_TOTAL, 0x7f), f0.length))
                .isEqualTo(HandshakeDrop.BAD_FRAGMENT);
    }

    @Test
    void reassemblyIsBoundedAndExpires() {
        Reassembler r = new Reassembler();
        java.time.Instant t = java.time.Instant.EPOCH;
        for (int i = 0; i < 40; i++) {
            byte[] big = new ConfirmMessage(
                            fill(8, i),
                            fill(32, 2),
                            fill(32, 3),
                            null,
                            new QuoteSection(fill(1024, 5), fill(400, 6), fill(32, 7)))
                    .encode(mac);
            byte[] first = Fragmenter.split(big, mac).getFirst();
            r.add(new java.net.InetSocketAddress("10.0.0.1", 1), first, first.length, t);
        }
        assertThat(r.inProgress()).isEqualTo(MAX_REASSEMBLIES);
        r.expire(t.plus(REASSEMBLY_LIFETIME).plusSeconds(1));
        assertThat(r.inProgress()).isZero();
    }

    @Test
    void seededRandomGarbageNeverThrowsFromValidate() {
        Random rnd = new Random(20261122);
        byte[] good = hello().encode(mac);
        for (int i = 0; i < 20000; i++) {
            byte[] m = rnd.nextBoolean() ? good.clone() : new byte[rnd.nextInt(1400)];
            if (m.length > 0) {
                m[rnd.nextInt(m.length)] = (byte) rnd.nextInt();
                if (rnd.nextBoolean() && m.length >= 4) {
                    ByteBuffer.wrap(m).putInt(0, MAGIC);
                }
            }
            HandshakeCodecFuzzTest.checkOne(m, mac);
        }
    }

    static byte[] mutate(byte[] m, int off, int value) {
        byte[] c = m.clone();
        c[off] = (byte) value;
        return c;
    }
}
