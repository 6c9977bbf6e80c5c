package dev.psk.tunnel.session;

import dev.psk.common.PskException;
import dev.psk.common.state.TunnelState;
import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.device.PeerSession;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.pad.SlotKeys;
import dev.psk.tunnel.pad.SlotSchedule;
import dev.psk.tunnel.replay.ReplayWindow;
import dev.psk.tunnel.state.SequenceReservation;
import dev.psk.tunnel.state.StateFile;
import dev.psk.tunnel.state.StateKeeper;
import dev.psk.tunnel.state.TunnelStateException;
import dev.psk.tunnel.wire.Psk2Packet;
import dev.psk.tunnel.wire.Psk2Wire;
import dev.psk.tunnel.wire.Role;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The PSK2 session of one tunnel end: pad slots as keys, sequence numbers reserved durably ahead
 * of use, a replay window above a persisted restart floor.
 *
 * <p>Receive order (cheapest first, each failure one {@link DropReason}): size, magic, version,
 * flags, reserved, direction; slot (beyond pad, below restart floor, erased, below the window);
 * header auth tag against the tags read ahead (constant time, no I/O; far ahead: dropped); session
 * key of the flags' epoch (with a handshake); replay check; slot keys (the only pad read, after a
 * matching tag); AEAD open; RX floor durable; replay commit. Only authentic packets move the
 * window, cause a state write or a pad read.
 *
 * <p>With a {@link SessionKeyring} (handshake psk, signed, attested) each slot's key is derived
 * from the slot and the session secret ({@link DataKeyDeriver}) when the slot is first used under
 * that session, so the per-packet path stays a cache lookup. The header auth tag stays the pad's
 * (a pad holder can pass it, never the AEAD), so the no-I/O tag check still comes first.
 *
 * <p>Send: the next sequence must lie below the durable TX reservation (a crash can never reuse
 * it) and inside the pad's data slots (exhaustion stops sending; the schedule never wraps).
 */
public final class Psk2Session implements PeerSession {
    private static final int RX_CACHE_SLOTS = 8;

    private final Role role;
    private final PadFile pad;
    private final StateKeeper keeper;
    private final ReplayWindow window;
    private final long dataSlots;
    /** Sequences per direction: {@code dataSlots * PACKETS_PER_SLOT}; the first one never sent. */
    private final long txCapacity;

    private final int txDirection;
    private final int rxDirection;
    private final long rxRestartFloor;
    /** Null with the handshake off (keys are the pad's); else the session keys data keys derive from. */
    private final SessionKeyring keyring;

    // TX thread only.
    private long txNext;
    private final SlotKeys txKeys = new SlotKeys();
    private final SequenceReservation txReservation;
    private final byte[] txNonce = new byte[Psk2Wire.NONCE_BYTES];
    private final byte[] txSlot = new byte[Psk2Wire.SLOT_BYTES];
    private final ByteBuffer txSlotBuffer = ByteBuffer.allocateDirect(Psk2Wire.SLOT_BYTES);
    private volatile boolean txExhausted;
    private volatile long txAtLeast;
    private volatile long txNextPublished;
    private final DataKeyDeriver txDeriver;

    // RX thread only.
    private final SlotKeys[] rxCache = new SlotKeys[RX_CACHE_SLOTS];
    private final DataKeyDeriver rxDeriver;
    private final RxSlotTags rxTags;
    private final SequenceReservation rxReservation;
    private final byte[] rxNonce = new byte[Psk2Wire.NONCE_BYTES];
    private final byte[] rxSlot = new byte[Psk2Wire.SLOT_BYTES];
    private final ByteBuffer rxSlotBuffer = ByteBuffer.allocateDirect(Psk2Wire.SLOT_BYTES);
    private volatile long rxHighestPublished = -1;
    private volatile long rxLowestPublished;
    private volatile long peerRestartsSeen;
    private final boolean restartSignalled;

    private Psk2Session(
            Role role, PadFile pad, StateKeeper keeper, TunnelState start, int replayWindow, SessionKeyring keyring) {
        this.role = role;
        this.keyring = keyring;
        this.txDeriver = keyring == null ? null : new DataKeyDeriver();
        this.rxDeriver = keyring == null ? null : new DataKeyDeriver();
        for (int i = 0; i < RX_CACHE_SLOTS; i++) {
            rxCache[i] = new SlotKeys();
        }
        this.pad = pad;
        this.keeper = keeper;
        this.window = new ReplayWindow(replayWindow);
        this.dataSlots = pad.dataSlotCount();
        this.txCapacity = dataSlots * Psk2Wire.PACKETS_PER_SLOT;
        this.txDirection = role.txDirection();
        this.rxDirection = role.rxDirection();
        this.rxRestartFloor = start.rxFloor();
        // After a crash, start far enough ahead that the peer recognises the restart (restart signal).
        // A pad too small to spare the gap gets no signal (the peer then drops up to one block).
        long signalled = start.txReservedUntil() + Psk2Wire.RESTART_SIGNAL_GAP;
        boolean signal = !start.cleanStop() && signalled < txCapacity;
        this.txNext = signal ? signalled : start.txReservedUntil();
        this.restartSignalled = signal;
        this.txExhausted = txNext >= txCapacity; // a pad used up before this start
        this.txNextPublished = txNext;
        this.rxLowestPublished = rxRestartFloor;
        this.rxTags = new RxSlotTags(pad, rxDirection, SlotSchedule.slotOf(rxRestartFloor), System::nanoTime);
        this.txReservation = new SequenceReservation(keeper, true);
        this.rxReservation = new SequenceReservation(keeper, false);
        txReservation.prefetch(txNext);
    }

    /**
     * Loads (or creates) {@code stateFile} for {@code pad} and starts its writer.
     *
     * @param log receives operator warnings (read-only pad, state write failures)
     */
    public static Psk2Session open(PadFile pad, Path stateFile, Role role, int replayWindow, Consumer<String> log)
            throws TunnelStateException {
        return open(pad, stateFile, role, replayWindow, null, log);
    }

    /**
     * As {@link #open(PadFile, Path, Role, int, Consumer)}; with a {@code keyring} every data key is
     * derived from the pad slot and a session key (handshake psk, signed, attested), and nothing is
     * sent or accepted without one.
     */
    public static Psk2Session open(
            PadFile pad, Path stateFile, Role role, int replayWindow, SessionKeyring keyring, Consumer<String> log)
            throws TunnelStateException {
        TunnelState start = StateFile.loadOrCreate(stateFile, pad, role);
        if (!pad.writable()) {
            log.accept("pad " + pad.path() + " is read-only: consumed key material will NOT be erased");
        }
        return new Psk2Session(role, pad, new StateKeeper(stateFile, pad, start, log), start, replayWindow, keyring);
    }

    public Role role() {
        return role;
    }

    /** The session keys, or null with the handshake off. */
    public SessionKeyring keyring() {
        return keyring;
    }

    @Override
    public int headerBytes() {
        return Psk2Wire.HEADER_BYTES;
    }

    @Override
    public int tagBytes() {
        return Psk2Wire.AEAD_TAG_BYTES;
    }

    /**
     * Synchronized so that a keepalive ({@link #announcesRestart}) may be sealed from another
     * thread than the packet sender; uncontended, the lock costs one atomic operation per packet.
     */
    @Override
    public synchronized DropReason seal(ByteBuffer buf, int len, PacketAead aead) {
        long seq = txNext;
        long jump = txAtLeast;
        if (jump > seq) {
            seq = jump; // skipped sequences are never used: the reservation only grows
            txNext = jump;
        }
        long slot = SlotSchedule.slotOf(seq);
        if (slot >= dataSlots) {
            txExhausted = true;
            return DropReason.PAD_EXHAUSTED;
        }
        if (!txReservation.cover(seq)) {
            return DropReason.STATE_NOT_DURABLE;
        }
        SlotKeys keys = txKeys;
        SessionKey sk = null;
        int flags = Psk2Wire.FLAGS_NONE;
        if (keyring != null) {
            sk = keyring.tx();
            if (sk == null) {
                return DropReason.NO_SESSION;
            }
            flags = Psk2Wire.FLAG_SESSION | sk.epoch();
        }
        if ((keys.slotIndex() != slot || keys.keyOwner() != sk) && !load(keys, slot, txDirection, txSlot, sk)) {
            return sk != null && !sk.usable() ? DropReason.KEY_EXPIRED : DropReason.SLOT_ERASED;
        }
        if (sk != null && !sk.usable()) {
            keys.wipe();
            return DropReason.KEY_EXPIRED;
        }
        Psk2Packet.seal(buf, keys, seq, len, aead, txNonce, flags);
        txNext = seq + 1;
        txNextPublished = seq + 1;
        keeper.publishTx(seq + 1);
        if (seq + 1 >= txCapacity) {
            txExhausted = true; // that was the last packet: say so now, not at the next attempt
        }
        return null;
    }

    @Override
    public DropReason open(ByteBuffer buf, int len, PacketAead aead) {
        DropReason r = Psk2Packet.checkHeader(buf, len, rxDirection, keyring != null);
        if (r != null) {
            return r;
        }
        long seq = Psk2Packet.seq(buf);
        long slot = SlotSchedule.slotOf(seq);
        if (Long.compareUnsigned(slot, dataSlots) >= 0) {
            return DropReason.SLOT_BEYOND_PAD;
        }
        if (seq < rxRestartFloor) {
            return DropReason.BELOW_RESTART_FLOOR;
        }
        if (slot < keeper.erasedSlots()) {
            return DropReason.SLOT_ERASED;
        }
        // No pad read before the tag matches: forged datagrams cost no I/O (RxSlotTags).
        if (slot < rxTags.base()) {
            return DropReason.REPLAY;
        }
        int tag = rxTags.match(buf, slot);
        if (tag != RxSlotTags.MATCH) {
            return tag == RxSlotTags.FAR_AHEAD ? DropReason.FAR_AHEAD : DropReason.AUTH_TAG;
        }
        SessionKey sk = null;
        if (keyring != null) {
            sk = keyring.rx(buf.get(Psk2Wire.FLAGS_OFFSET) & Psk2Wire.FLAG_EPOCH_MASK);
            if (sk == null) {
                return DropReason.NO_SESSION;
            }
        }
        if (!window.check(seq)) {
            return DropReason.REPLAY;
        }
        SlotKeys keys = rxKeys(slot, sk);
        if (keys == null) {
            return sk != null && !sk.usable() ? DropReason.KEY_EXPIRED : DropReason.SLOT_ERASED;
        }
        if (!Psk2Packet.authTagMatches(buf, keys)) {
            return DropReason.AUTH_TAG;
        }
        if (!Psk2Packet.open(buf, len, keys, seq, aead, rxNonce)) {
            return DropReason.AEAD;
        }
        if (sk != null && !sk.usable()) {
            keys.wipe();
            return DropReason.KEY_EXPIRED;
        }
        if (!rxReservation.cover(seq)) {
            return DropReason.STATE_NOT_DURABLE;
        }
        if (sk != null) {
            keyring.onAuthentic(sk);
        }
        long before = rxHighestPublished < 0 ? rxRestartFloor : rxHighestPublished;
        window.commit(seq);
        if (seq - before >= Psk2Wire.RESTART_SIGNAL_GAP) {
            // The peer restarted after a crash: skip past any floor it may have persisted.
            peerRestartsSeen++;
            advanceTxTo(txNextPublished + Psk2Wire.PEER_RESTART_SKIP);
        }
        long lowest = Math.max(rxRestartFloor, window.lowestAcceptable());
        rxHighestPublished = window.highest();
        rxLowestPublished = lowest;
        keeper.publishRx(lowest);
        rxTags.advance(SlotSchedule.slotOf(lowest));
        return len == Psk2Wire.OVERHEAD_BYTES ? DropReason.KEEPALIVE : null;
    }

    private SlotKeys rxKeys(long slot, SessionKey sk) {
        int epochBit = sk == null ? 0 : sk.epoch() & 1;
        SlotKeys k = rxCache[(int) (((slot << 1) | epochBit) & (RX_CACHE_SLOTS - 1))];
        if (k.slotIndex() == slot && k.keyOwner() == sk) {
            return k;
        }
        return load(k, slot, rxDirection, rxSlot, sk) ? k : null;
    }

    /**
     * Reads one slot's direction fields into {@code into}, in place. False when the slot reads as
     * erased (all zeros: never key material) or cannot be read; {@code into} is then wiped.
     */
    private boolean load(SlotKeys into, long slot, int direction, byte[] scratch, SessionKey sk) {
        ByteBuffer direct = scratch == txSlot ? txSlotBuffer : rxSlotBuffer;
        try {
            pad.readSlot(slot, direct);
            direct.get(0, scratch);
            int acc = 0;
            for (byte b : scratch) {
                acc |= b;
            }
            if (acc == 0) {
                into.wipe();
                return false;
            }
            into.load(scratch, direction, slot);
            if (sk != null) {
                DataKeyDeriver d = scratch == txSlot ? txDeriver : rxDeriver;
                if (!sk.derive(d, scratch, slot, direction, into.keyForDerivation())) {
                    into.wipe();
                    return false;
                }
                into.boundTo(sk);
            }
            return true;
        } catch (IOException e) {
            into.wipe();
            return false;
        } finally {
            java.util.Arrays.fill(scratch, (byte) 0);
            for (int i = 0; i < Psk2Wire.SLOT_BYTES; i++) {
                direct.put(i, (byte) 0);
            }
        }
    }

    /**
     * Makes the next TX sequence at least {@code seq} (never lower); safe from any thread, applied
     * by the next {@link #seal}. A handshake uses it with the peer's announced {@link #rxFloor()}
     * after the peer restarted, so that the peer does not drop our packets below its new floor.
     */
    public void advanceTxTo(long seq) {
        if (seq > txAtLeast) {
            txAtLeast = seq;
        }
    }

    /**
     * True while this end, restarted after a crash, has not yet heard from its peer: until then it
     * should send keepalives (empty packets) so the peer sees the restart signal and skips past this
     * end's RX floor, even when the peer's own traffic is all below that floor.
     */
    public boolean announcesRestart() {
        return restartSignalled && rxHighestPublished < 0;
    }

    /** How many times the peer's restart signal was seen (each made this end skip ahead). */
    public long peerRestartsSeen() {
        return peerRestartsSeen;
    }

    /** The lowest sequence this end accepts after its last restart (the persisted RX floor). */
    public long rxFloor() {
        return rxRestartFloor;
    }

    /**
     * True once the pad has no sequence left for this end's sending direction: set as the last one
     * is sealed (or at start, on a pad already used up), or when a skip ahead passes the end.
     */
    public boolean txExhausted() {
        return txExhausted || txAtLeast >= txCapacity;
    }

    @Override
    public boolean exhausted() {
        return txExhausted();
    }

    /**
     * True when this start followed a crash and the TX sequence jumped ahead by
     * {@link Psk2Wire#RESTART_SIGNAL_GAP} (the restart signal), whether or not the peer was heard
     * since. Fixed at open: the daemon logs the restart from it before any packet can flow.
     */
    public boolean restartSignalled() {
        return restartSignalled;
    }

    /** Pad consumption, safe to call from any thread. */
    public PadStatus padStatus() {
        return new PadStatus(
                dataSlots,
                txNextPublished,
                rxLowestPublished,
                rxHighestPublished,
                keeper.erasedSlots(),
                pad.writable());
    }

    public PadFile pad() {
        return pad;
    }

    public StateKeeper stateKeeper() {
        return keeper;
    }

    /** The state writer's failure, or null; the CLI stops the tunnel on one. */
    public Throwable stateFailure() {
        return keeper.failure();
    }

    @Override
    public void close() throws PskException {
        long finalRx = window.isEmpty() ? rxRestartFloor : Math.max(rxRestartFloor, window.highest() + 1);
        try {
            keeper.close(txNext, finalRx);
        } finally {
            wipeKeys();
            if (keyring != null) {
                keyring.retireAll();
            }
        }
    }

    /** Leaves the state file exactly as a crash at this instant would: for crash tests only. */
    public void crashForTesting() {
        keeper.abandonForTesting();
        wipeKeys();
    }

    private void wipeKeys() {
        txKeys.wipe();
        for (SlotKeys k : rxCache) {
            k.wipe();
        }
        rxTags.wipe();
    }
}
