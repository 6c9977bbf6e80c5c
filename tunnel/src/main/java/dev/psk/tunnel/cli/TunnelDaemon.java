package dev.psk.tunnel.cli;

import dev.psk.common.PskException;
import dev.psk.common.Signals;
import dev.psk.common.log.Log;
import dev.psk.tunnel.cli.status.StatusFile;
import dev.psk.tunnel.cli.status.StatusWriter;
import dev.psk.tunnel.cli.support.EndpointResolver;
import dev.psk.tunnel.crypto.PacketAeads;
import dev.psk.tunnel.device.Device;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.device.PeerDirectory;
import dev.psk.tunnel.device.UdpSocket;
import dev.psk.tunnel.handshake.HandshakeConfig;
import dev.psk.tunnel.handshake.HandshakeKeys;
import dev.psk.tunnel.handshake.HandshakeMode;
import dev.psk.tunnel.handshake.HandshakeService;
import dev.psk.tunnel.handshake.HandshakeWire;
import dev.psk.tunnel.io.tun.TunDevice;
import dev.psk.tunnel.pad.PadFile;
import dev.psk.tunnel.session.PadStatus;
import dev.psk.tunnel.session.Psk2Session;
import dev.psk.tunnel.session.SessionKeyring;
import dev.psk.tunnel.wire.Psk2Wire;
import dev.psk.tunnel.wire.Role;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One tunnel end from start to clean stop: pad, state, UDP socket, TUN device, device threads,
 * banner, a one-second housekeeping tick (status file, exhaustion, state-writer health), stats at
 * the chosen interval, metrics. SIGINT/SIGTERM (a JVM shutdown hook) and pad exhaustion end it the
 * same way: threads stopped, state saved with exact positions, TUN device closed (it disappears);
 * a used-up pad, a state file that cannot be written and a lost device stop it too ({@link StopReport}).
 */
final class TunnelDaemon {
    static final String PROGRAM = "psk-tunnel";
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(15);

    private final PskTunnel opt;
    private final TunFactory tunFactory;
    /** Banner and stats lines (standard output). */
    private final Log out;
    /** Events, warnings and failures (standard error). */
    private final Log err;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile String stopReason;

    TunnelDaemon(PskTunnel options, TunFactory tunFactory, PrintStream out, PrintStream err) {
        this(options, tunFactory, new Log(out, PROGRAM, false), new Log(err, PROGRAM, false));
    }

    /** With the streams' own format decisions (journald priorities when a stream is the journal). */
    TunnelDaemon(PskTunnel options, TunFactory tunFactory, Log out, Log err) {
        this.opt = options;
        this.tunFactory = tunFactory;
        this.out = out;
        this.err = err;
    }

    void info(String message) {
        err.info(message);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing a token session at shutdown: nothing left to do about a failure
        }
    }

    void warn(String message) {
        err.warn(message);
    }

    /** Asks the daemon to stop (any thread); returns at once. */
    void requestStop(String reason) {
        dev.psk.common.SystemdNotify.stopping();
        if (stopReason == null) {
            stopReason = reason;
        }
        stop.countDown();
    }

    int run() throws PskException, IOException {
        Role role = opt.initiator ? Role.INITIATOR : Role.RESPONDER;
        InetSocketAddress remote = EndpointResolver.fromEnvironment(this::info).resolve(opt.remoteHost, opt.remotePort);
        PadFile pad = PadFile.open(opt.psk);
        Psk2Session session = null;
        UdpSocket socket = null;
        TunDevice tun = null;
        Device device = null;
        TunnelMetrics metrics = null;
        Thread hook = null;
        HandshakeConfig hsConfig = null;
        HandshakeService handshake = null;
        StopReport.Outcome outcome;
        PskException closeFailure = null;
        try {
            // With a handshake, data keys derive from the pad AND the session keys of completed handshakes.
            SessionKeyring keyring = opt.handshake.mode() == HandshakeMode.OFF
                    ? null
                    : new SessionKeyring(role == Role.INITIATOR, HandshakeWire.KEY_GRACE.toNanos());
            session = Psk2Session.open(pad, opt.state, role, opt.replayWindow, keyring, this::warn);
            if (session.txExhausted()) {
                // Before the token, the socket and the TUN device: nothing comes up on a used-up pad.
                return StopReport.notStarted(opt, session, err);
            }
            if (session.restartSignalled()) {
                // Logged before any packet can flow, so no jumped sequence goes out unannounced.
                info("restarted after a crash: sending from sequence "
                        + session.padStatus().txNext() + " (restart signal, " + Psk2Wire.RESTART_SIGNAL_GAP
                        + " past the reservation on disk)");
            }
            if (opt.handshake.mode() != HandshakeMode.OFF) {
                // Before the device: a missing token, PIN, pin file or policy fails the start, not the tunnel later.
                hsConfig = opt.handshake.build(HandshakeKeys.fromPad(pad));
            }
            socket = UdpSocket.bind(new InetSocketAddress("0.0.0.0", opt.localPort), Psk2Wire.SOCKET_BUFFER_BYTES);
            tun = tunFactory.open(opt.tun, opt.mtu, opt.tunOffload);
            tunFactory.configure(opt.tun, opt.localIp, opt.remoteIp, opt.mtu);
            Peer peer = new Peer(opt.remoteHost, session, remote, hsConfig == null);
            device = new Device(tun, socket, PeerDirectory.single(peer), opt.aead, this::warn);
            device.onPadExhausted(p -> requestStop("pad exhausted"));
            device.onFailure(why -> requestStop(why));
            device.start();
            tun = null; // owned by the device now
            if (hsConfig != null) {
                handshake = HandshakeService.leveled(
                                hsConfig, peer, role == Role.INITIATOR ? remote : null, session.keyring(), err)
                        .rekeyInterval(opt.handshake.rekeyInterval())
                        .reattestInterval(opt.handshake.reattestInterval());
                handshake.start(device);
                HandshakeService h = handshake;
                Signals.handle("HUP", h::reloadPins);
            }
            Psk2Session s = session;
            facts = new PointToPointFacts(handshake, java.time.Clock.systemUTC());
            if (opt.metrics != null) {
                metrics = TunnelMetrics.start(opt.metricsAddress(), device, s, facts);
            }
            banner(role, remote, socket, pad, session, device, metrics);
            dev.psk.common.SystemdNotify.ready(opt.tun + " up, peer " + remote);
            if (hsConfig != null) {
                out.detail("  handshake " + hsConfig.mode() + ", identity "
                        + dev.psk.common.Hex.encode(hsConfig.identity().identityId()) + "; data waits for it");
            }
            hook = Thread.ofPlatform().name("psk-tunnel-shutdown").unstarted(this::onSignal);
            Runtime.getRuntime().addShutdownHook(hook);
            trapSignals();
            if (hsConfig == null && session.announcesRestart()) {
                announcer = new RestartAnnouncer(device, peer, session, opt.aead);
                info("sending keepalives until the peer answers, so that it sees the restart signal");
            }
            outcome =
                    loop(device, peer, session, pad, role, socket.localAddress().getPort());
        } finally {
            if (announcer != null) {
                announcer.close();
            }
            try {
                if (handshake != null) {
                    handshake.close();
                }
                if (hsConfig != null) {
                    if (hsConfig.identity() instanceof AutoCloseable c) {
                        closeQuietly(c);
                    }
                    hsConfig.keys().destroy();
                }
                if (metrics != null) {
                    metrics.close();
                }
                closeFailure = closeData(device, tun, socket, session);
            } finally {
                // Whatever happened above, show must not report a stopped end as running.
                Files.deleteIfExists(opt.statusFilePath());
                pad.close();
                stopped.countDown();
                removeHook(hook);
            }
        }
        return StopReport.print(outcome, opt, stopReason, session, device, closeFailure, out, err);
    }

    /**
     * Stops the data plane: the device (threads, TUN, socket, then the session's final state
     * write) or, when the device never started, what was opened. The session's close failure
     * (state not written) is returned for the stop line instead of replacing it.
     */
    private static PskException closeData(Device device, TunDevice tun, UdpSocket socket, Psk2Session session)
            throws IOException {
        try {
            if (device != null) {
                device.close(); // stops threads, closes TUN and socket, saves state
                return null;
            }
            if (tun != null) {
                tun.close();
            }
            if (socket != null) {
                socket.close();
            }
            if (session != null) {
                session.close();
            }
            return null;
        } catch (PskException e) {
            return e;
        }
    }

    /** Non-null only after a crash restart with the handshake off (see RestartAnnouncer). */
    private RestartAnnouncer announcer;

    private long peerRestartsLogged;

    /** The peer's name, identity and times for show and metrics; set before the loop starts. */
    private PointToPointFacts facts;

    private StopReport.Outcome loop(Device device, Peer peer, Psk2Session session, PadFile pad, Role role, int port) {
        StatsReporter stats = new StatsReporter();
        Instant started = Instant.now();
        long intervalNanos = opt.statsInterval.toNanos();
        long nextStats = System.nanoTime() + intervalNanos;
        long idleRepeat = Math.max(intervalNanos, StatsReporter.IDLE_REPEAT.toNanos());
        // With the handshake off a wrong pad or state shows only as failing packets: say so (rate-limited).
        AuthFailureHint hint = opt.handshake.mode() == HandshakeMode.OFF
                ? new AuthFailureHint(opt.remoteHost + ":" + opt.remotePort)
                : null;
        StatusWriter status = new StatusWriter(
                opt.statusFilePath(),
                () -> StatusFile.document(
                        device,
                        role.label(),
                        port,
                        session.padStatus(),
                        opt.psk.toString(),
                        pad.fingerprintHex(),
                        opt.state.toString(),
                        started,
                        opt.handshake.mode().toString(),
                        facts),
                "tunnel",
                this::warn);
        while (true) {
            if (announcer != null) {
                announcer.tick();
            }
            long restarts = session.peerRestartsSeen();
            if (restarts != peerRestartsLogged) {
                peerRestartsLogged = restarts;
                info("peer restarted after a crash (restart signal seen): skipped ahead past its RX floor");
            }
            facts.sample(peer);
            padWarnings(stats, session);
            StopReport.Outcome ended = StopReport.ended(device, session);
            if (ended != null) {
                return ended;
            }
            status.write();
            long now = System.nanoTime();
            if (hint != null) {
                String h = hint.check(device.peers().peers().getFirst().counters(), now);
                if (h != null) {
                    warn(h);
                }
            }
            if (intervalNanos > 0 && now - nextStats >= 0) {
                nextStats += intervalNanos;
                for (String line : stats.due(
                        stats.statsLine(device), StatsReporter.padLine(session.padStatus()), now, idleRepeat)) {
                    out.info(line);
                }
            }
            try {
                if (stop.await(TICK.toMillis(), TimeUnit.MILLISECONDS)) {
                    padWarnings(stats, session); // a last step may have crossed a threshold
                    StopReport.Outcome why = StopReport.ended(device, session);
                    return why != null ? why : StopReport.Outcome.STOPPED;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return StopReport.Outcome.STOPPED;
            }
        }
    }

    private void padWarnings(StatsReporter stats, Psk2Session session) {
        for (String w : stats.padWarnings(session.padStatus())) {
            warn(w);
        }
    }

    /**
     * SIGINT and SIGTERM end the run loop, so the process exits 0 after its clean stop (the
     * shutdown hook alone would leave the JVM's 128+signal status). sun.misc.Signal is in the
     * jdk.unsupported module; where it is missing the hook still stops cleanly.
     */
    private void trapSignals() {
        for (String name : new String[] {"INT", "TERM"}) {
            // where a signal cannot be handled here, the shutdown hook covers it
            Signals.handle(name, () -> requestStop("SIG" + name));
        }
    }

    private void onSignal() {
        requestStop("signal");
        try {
            stopped.await(SHUTDOWN_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is the one waiting for us
        }
    }

    private void banner(
            Role role,
            InetSocketAddress remote,
            UdpSocket socket,
            PadFile pad,
            Psk2Session session,
            Device device,
            TunnelMetrics metrics)
            throws IOException {
        PadStatus ps = session.padStatus();
        out.info(role.label() + " on " + opt.tun + " (mtu " + opt.mtu + ", " + opt.localIp + " -> " + opt.remoteIp
                + "), peer " + remote.getAddress().getHostAddress() + ":" + remote.getPort() + " from 0.0.0.0:"
                + socket.localAddress().getPort());
        out.detail("  pad    " + pad.path() + "  fingerprint " + pad.fingerprintHex() + ", " + ps.txPacketsRemaining()
                + " packets left to send" + (pad.writable() ? "" : "  READ-ONLY: no erasure"));
        out.detail("  state  " + opt.state + "  next tx seq " + ps.txNext() + ", rx floor " + ps.rxLowest()
                + ", erased " + ps.erasedSlots() + " slots");
        out.detail("  crypto ChaCha20-Poly1305 (" + device.aeadName()
                + (PacketAeads.AUTO.equals(opt.aead) ? ", auto" : "") + "), replay window " + opt.replayWindow
                + "; " + socket.bufferReport() + "; " + socket.offloadReport() + "; "
                + device.tun().offloadReport());
        out.detail("  status " + opt.statusFilePath() + " (psk-tunnel show)"
                + (metrics == null ? "" : ", metrics " + metrics.url()));
    }
}
