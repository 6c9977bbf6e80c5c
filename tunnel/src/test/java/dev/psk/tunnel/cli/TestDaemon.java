package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.common.log.Log;
import dev.psk.tunnel.io.tun.TunDevice;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;

/**
 * A {@link TunnelDaemon} for CLI tests: one end of a loopback tunnel on an in-memory device, run
 * on a thread of its own, with its standard output and error captured.
 */
record TestDaemon(
        TunnelDaemon daemon, CompletableFuture<Integer> result, ByteArrayOutputStream out, ByteArrayOutputStream err) {

    /**
     * Starts end {@code name} (state {@code DIR/NAME.json}, status {@code DIR/NAME-status.json}) on
     * 127.0.0.1:{@code local} towards 127.0.0.1:{@code remote}.
     *
     * @param statsInterval the {@code --stats-interval} value ("0" for none)
     * @param extra further options, e.g. {@code --handshake psk}
     */
    static TestDaemon start(
            Path dir,
            Path pad,
            String name,
            int local,
            int remote,
            boolean initiator,
            TunDevice tun,
            String statsInterval,
            String... extra) {
        return start(false, dir, pad, name, local, remote, initiator, tun, statsInterval, extra);
    }

    /** As above; {@code journal}: write both streams as if each were the journal (priority prefixes). */
    static TestDaemon start(
            boolean journal,
            Path dir,
            Path pad,
            String name,
            int local,
            int remote,
            boolean initiator,
            TunDevice tun,
            String statsInterval,
            String... extra) {
        List<String> args = new ArrayList<>(args(
                pad,
                dir.resolve(name + ".json"),
                dir.resolve(name + "-status.json"),
                local,
                remote,
                initiator,
                tun.name(),
                statsInterval));
        args.addAll(List.of(extra));
        return start(journal, args, tun);
    }

    /**
     * The options of a test end: {@code pad} towards 127.0.0.1:{@code remote} from {@code local},
     * inner addresses 10.9.0.1 to 10.9.0.2, the given state and status files and TUN name.
     */
    static List<String> args(
            Path pad,
            Path state,
            Path status,
            int local,
            int remote,
            boolean initiator,
            String tunName,
            String statsInterval) {
        List<String> args = new ArrayList<>(List.of(
                "--psk",
                pad.toString(),
                "--remote-host",
                "127.0.0.1",
                "--local-port",
                "" + local,
                "--remote-port",
                "" + remote,
                "--local-ip",
                "10.9.0.1",
                "--remote-ip",
                "10.9.0.2",
                "--state",
                state.toString(),
                "--tun",
                tunName,
                "--stats-interval",
                statsInterval,
                "--status-file",
                status.toString()));
        if (initiator) {
            args.add("--initiator");
        }
        return args;
    }

    /** Starts an end with exactly {@code args} on {@code tun} (its name in the args is not used to open it). */
    static TestDaemon start(boolean journal, List<String> args, TunDevice tun) {
        PskTunnel opts = new PskTunnel();
        new CommandLine(opts).parseArgs(args.toArray(String[]::new));
        opts.validate();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        TunnelDaemon d = new TunnelDaemon(
                opts,
                factory(tun),
                new Log(new PrintStream(out, true, StandardCharsets.UTF_8), TunnelDaemon.PROGRAM, journal),
                new Log(new PrintStream(err, true, StandardCharsets.UTF_8), TunnelDaemon.PROGRAM, journal));
        CompletableFuture<Integer> result = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return d.run();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                },
                r -> Thread.ofPlatform().daemon(true).start(r)); // not the common pool: it may have one thread
        return new TestDaemon(d, result, out, err);
    }

    /** A TUN factory that hands out {@code tun} whatever name is asked for, and configures nothing. */
    static TunFactory factory(TunDevice tun) {
        return new TunFactory() {
            @Override
            public TunDevice open(String n, int mtu) {
                return tun;
            }

            @Override
            public void configure(String n, String l, String r, int mtu) {}
        };
    }

    /** Waits up to 5 s for {@code f} (e.g. the status file), surfacing the daemon's failure if it stopped. */
    void awaitFile(Path f) throws Exception {
        for (int i = 0; i < 100 && !Files.exists(f); i++) {
            if (result.isDone()) {
                result.get();
            }
            Thread.sleep(50);
        }
        assertThat(f).exists();
    }

    /** A UDP port free on 127.0.0.1 right now. */
    static int freePort() throws IOException {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }
}
