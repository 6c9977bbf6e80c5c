package dev.psk.tunnel.cli;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.device.TrafficCounters;
import dev.psk.tunnel.session.PadStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The periodic operator lines: traffic and drops by reason, pad consumption, and the one-time
 * warnings at 10 % and 1 % of the sending capacity left. The stats and pad lines are printed when
 * they differ from the last ones printed, or after {@link #IDLE_REPEAT} without a change (so an idle
 * tunnel still shows it is alive), never every interval of an idle tunnel.
 */
final class StatsReporter {
    static final double WARN_FRACTION = 0.10;
    static final double CRITICAL_FRACTION = 0.01;
    /** An unchanged stats line is repeated after this long (or the stats interval, if longer). */
    static final Duration IDLE_REPEAT = Duration.ofMinutes(10);

    private boolean warned10;
    private boolean warned1;
    private String lastStats;
    private String lastPad;
    private long lastPrintedNanos;

    /**
     * The lines to print at a stats interval ending at {@code nowNanos}: both {@code stats} and
     * {@code pad} when either changed since the last ones printed (or nothing was printed yet), or
     * when {@code idleRepeatNanos} passed since; else none.
     */
    List<String> due(String stats, String pad, long nowNanos, long idleRepeatNanos) {
        boolean changed = !stats.equals(lastStats) || !pad.equals(lastPad);
        if (!changed && nowNanos - lastPrintedNanos < idleRepeatNanos) {
            return List.of();
        }
        lastStats = stats;
        lastPad = pad;
        lastPrintedNanos = nowNanos;
        return List.of(stats, pad);
    }

    /** One stats line over every peer and the device's own drops. */
    String statsLine(Device device) {
        long txp = 0, txb = 0, rxp = 0, rxb = 0;
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (Peer p : device.peers().peers()) {
            TrafficCounters c = p.counters();
            txp += c.txPackets();
            txb += c.txBytes();
            rxp += c.rxPackets();
            rxb += c.rxBytes();
            c.dropSnapshot().forEach((r, n) -> drops.merge(r, n, Long::sum));
        }
        device.counters().dropSnapshot().forEach((r, n) -> drops.merge(r, n, Long::sum));
        long auth = drops.getOrDefault(DropReason.AUTH_TAG, 0L) + drops.getOrDefault(DropReason.AEAD, 0L);
        long replays = replays(drops);
        long total = drops.values().stream().mapToLong(Long::longValue).sum();
        StringJoiner detail = new StringJoiner(", ", " (", ")");
        detail.setEmptyValue("");
        drops.forEach((r, n) -> detail.add(r.label() + " " + n));
        long cut = device.tun().gsoFrames();
        long joined = device.tun().coalescedPackets();
        String offload = cut + joined == 0
                ? ""
                : String.format(Locale.ROOT, " | tun offload: %d frames cut, %d packets joined", cut, joined);
        return String.format(
                Locale.ROOT,
                "stats: tx %d packets %s, rx %d packets %s | auth failures %d, replays %d | drops %d%s%s",
                txp,
                bytes(txb),
                rxp,
                bytes(rxb),
                auth,
                replays,
                total,
                detail,
                offload);
    }

    /**
     * Datagrams refused as old: already accepted or below the window, below the restart floor, or
     * in a slot already erased (only slots every acceptable sequence has passed are erased, so
     * nothing fresh can land there; its keys are gone, so it cannot even be authenticated).
     */
    static long replays(Map<DropReason, Long> drops) {
        return drops.getOrDefault(DropReason.REPLAY, 0L)
                + drops.getOrDefault(DropReason.BELOW_RESTART_FLOOR, 0L)
                + drops.getOrDefault(DropReason.SLOT_ERASED, 0L);
    }

    static String padLine(PadStatus s) {
        return String.format(
                Locale.ROOT,
                "pad: %d of %d data slots used for sending, %d remaining (est. %d packets, %.1f%%); erased %d%s",
                s.txSlotsUsed(),
                s.dataSlots(),
                s.txSlotsRemaining(),
                s.txPacketsRemaining(),
                100 * s.txRemainingFraction(),
                s.erasedSlots(),
                s.padWritable() ? "" : " (read-only pad: nothing is erased)");
    }

    /**
     * The warnings due now: the 10 % one the first time fewer than 10 % of the sending capacity's
     * packets remain, the 1 % one the first time fewer than 1 % do, both (in that order) when one
     * step crossed both. Integer arithmetic on packets, so a pad of one data slot (1,000 packets)
     * warns below 100 and below 10 packets, and an exhausted pad gets both before its stop line.
     */
    List<String> padWarnings(PadStatus s) {
        long capacity = s.dataSlots() * 1000;
        long left = s.txPacketsRemaining();
        List<String> due = new ArrayList<>(2);
        if (!warned10 && left * 10 < capacity) {
            warned10 = true;
            due.add(String.format(
                    Locale.ROOT,
                    "pad below 10%%: %.1f%% left (%d packets); prepare a new pad",
                    100 * s.txRemainingFraction(),
                    left));
        }
        if (!warned1 && left * 100 < capacity) {
            warned1 = true;
            due.add(String.format(
                    Locale.ROOT,
                    "pad almost exhausted: %.2f%% left (%d packets); distribute a new pad now",
                    100 * s.txRemainingFraction(),
                    left));
        }
        return due;
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
