package dev.psk.tunnel.handshake;

import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Test doubles: a manual clock, an in-memory network, software identities, a pin table, event recorder. */
final class HandshakeFixture {
    private HandshakeFixture() {}

    static final class ManualClock implements InstantSource {
        Instant now = Instant.parse("2026-11-22T03:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {}

    /** Records every datagram; the test decides what to deliver (capture, replay, reflect). */
    static final class Network {
        final ArrayDeque<Datagram> queue = new ArrayDeque<>();
        final List<Datagram> log = new ArrayList<>();

        HandshakeTransport endpoint(InetSocketAddress self) {
            return (to, bytes) -> {
                Datagram d = new Datagram(self, to, bytes.clone());
                queue.add(d);
                log.add(d);
            };
        }

        List<Datagram> ofType(byte type) {
            return log.stream()
                    .filter(d -> d.bytes()[HandshakeWire.OFF_TYPE] == type)
                    .toList();
        }
    }

    static byte[] controlSlot(int seed) {
        byte[] s = new byte[120];
        new java.util.Random(seed).nextBytes(s);
        return s;
    }

    static final class SoftIdentity implements LocalIdentity {
        final KeyPair pair;
        int signatures;
        final byte[] id;
        byte[] serial = new byte[0];

        SoftIdentity() throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            pair = g.generateKeyPair();
            id = HandshakeFixture.identityId(pair.getPublic());
        }

        @Override
        public byte[] identityId() {
            return id.clone();
        }

        @Override
        public byte[] serialId() {
            return serial.clone();
        }

        @Override
        public boolean canSign() {
            return true;
        }

        @Override
        public byte[] sign(byte[] transcript) {
            signatures++;
            try {
                Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
                s.initSign(pair.getPrivate());
                s.update(transcript);
                return s.sign();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static byte[] identityId(PublicKey k) throws Exception {
        return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(k.getEncoded()), 8);
    }

    static final class Pins implements PeerTrust {
        final Map<String, Pin> pins = new HashMap<>();
        Set<String> serials;

        Pins pin(byte[] id, PublicKey key, boolean enabled, String name) {
            pins.put(dev.psk.common.Hex.encode(id), new Pin(id, key, enabled, name));
            return this;
        }

        /** An enabled pin of {@code id}'s key under {@code name}. */
        Pins pin(SoftIdentity id, String name) {
            return pin(id.id, id.pair.getPublic(), true, name);
        }

        @Override
        public boolean acceptsAnyIdentity() {
            return pins.isEmpty();
        }

        @Override
        public Optional<Pin> lookup(byte[] identityId) {
            return Optional.ofNullable(pins.get(dev.psk.common.Hex.encode(identityId)));
        }

        @Override
        public boolean serialAllowed(byte[] serialId) {
            return serials == null || serials.contains(dev.psk.common.Hex.encode(serialId));
        }

        Pins allowSerial(byte[] serial) {
            if (serials == null) {
                serials = new HashSet<>();
            }
            serials.add(dev.psk.common.Hex.encode(serial));
            return this;
        }
    }

    static final class Recorder implements HandshakeEvents {
        final List<String> lines = new ArrayList<>();
        InetSocketAddress boundTo;
        byte[] boundIdentity;
        int establishedCount;
        int epoch = -1;
        byte[] sessionSecret;

        @Override
        public void established(
                InetSocketAddress peer, byte[] id, String name, int epoch, dev.psk.common.SecretBytes secret) {
            this.epoch = epoch;
            this.sessionSecret = secret.copy();
            secret.close();
            established(peer, id, name);
        }

        @Override
        public void established(InetSocketAddress peer, byte[] id, String name) {
            boundTo = peer;
            boundIdentity = id;
            establishedCount++;
            lines.add("established " + peer);
        }

        @Override
        public void refusedPeer(InetSocketAddress peer, byte[] id, Refusal reason) {
            lines.add("refused peer: " + reason);
        }

        @Override
        public void refusedByPeer(InetSocketAddress peer, Refusal reason) {
            lines.add("refused by peer: " + reason);
        }

        @Override
        public void padMismatch(InetSocketAddress peer, byte[] theirs, byte[] ours) {
            lines.add("peer uses a different pad");
        }

        @Override
        public void failed(String reason) {
            lines.add("failed: " + reason);
        }
    }

    static HandshakeConfig config(
            HandshakeMode mode,
            byte[] slot,
            LocalIdentity id,
            PeerTrust trust,
            QuoteSource qs,
            QuoteChecker qc,
            InstantSource clock) {
        return new HandshakeConfig(
                mode, HandshakeKeys.fromControlSlot(slot), id, trust, qs, qc, clock, new SecureRandom());
    }
}
