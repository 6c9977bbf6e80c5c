package dev.psk.tunnel.io.tun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Addresses a TUN interface the way the seed does, with iproute2: MTU, {@code LOCAL/24} on the
 * interface, the interface up, and a host route to {@code REMOTE} through it.
 *
 * <p>Idempotent: it uses {@code ip addr replace} and {@code ip route replace}, so re-running it on an
 * interface that already has the address or route succeeds instead of failing with "File exists".
 * Every failure is one line naming the command and what {@code ip} said.
 */
public final class TunConfigurator {
    // Implementation constants.
    /** The seed puts both tunnel addresses in one /24. */
    public static final int PREFIX_LENGTH = 24;

    private static final long COMMAND_TIMEOUT_SECONDS = 10;
    private static final List<String> IP_CANDIDATES = List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip");

    private TunConfigurator() {}

    /**
     * Configures interface {@code name}: MTU {@code mtu}, address {@code localIp}/24, up, route to
     * {@code remoteIp}. Runs in the calling thread's network namespace.
     *
     * @param localIp dotted-quad IPv4 address of this end inside the tunnel, e.g. 10.0.0.1
     * @param remoteIp dotted-quad IPv4 address of the peer inside the tunnel, e.g. 10.0.0.2
     * @throws IOException one line: which input is wrong, or which ip command failed and why
     */
    public static void configure(String name, String localIp, String remoteIp, int mtu) throws IOException {
        TunParameters.validateName(name);
        requireAddresses(localIp, remoteIp);
        if (mtu < TunParameters.MIN_MTU || mtu > TunParameters.MAX_MTU) {
            throw new IOException("MTU for '" + name + "' must be " + TunParameters.MIN_MTU + ".."
                    + TunParameters.MAX_MTU + ", not " + mtu);
        }
        String ip = ipCommand();
        run(ip, "link", "set", "dev", name, "mtu", Integer.toString(mtu));
        run(ip, "addr", "replace", localIp + "/" + PREFIX_LENGTH, "dev", name);
        run(ip, "link", "set", "dev", name, "up");
        run(ip, "route", "replace", remoteIp + "/32", "dev", name);
    }

    /**
     * Configures interface {@code name} for hub mode: MTU, each address in CIDR form with its
     * prefix ("10.77.0.1/24", "fd77::1/64"), up, then a route for each CIDR in {@code routes}.
     * The callers (hub server and client) have validated the CIDR strings already.
     */
    public static void configure(String name, List<String> addresses, List<String> routes, int mtu) throws IOException {
        TunParameters.validateName(name);
        if (mtu < TunParameters.MIN_MTU || mtu > TunParameters.MAX_MTU) {
            throw new IOException("MTU for '" + name + "' must be " + TunParameters.MIN_MTU + ".."
                    + TunParameters.MAX_MTU + ", not " + mtu);
        }
        String ip = ipCommand();
        run(ip, "link", "set", "dev", name, "mtu", Integer.toString(mtu));
        for (String a : addresses) {
            run(ip, "addr", "replace", a, "dev", name);
        }
        run(ip, "link", "set", "dev", name, "up");
        for (String r : routes) {
            run(ip, "route", "replace", r, "dev", name);
        }
    }

    /**
     * Both tunnel addresses: each a strict dotted-quad IPv4 address (see below), and different.
     *
     * @throws IOException naming the flag ({@code --local-ip} or {@code --remote-ip}) and the value
     */
    public static void requireAddresses(String localIp, String remoteIp) throws IOException {
        requireIpv4("--local-ip", localIp);
        requireIpv4("--remote-ip", remoteIp);
        if (localIp.equals(remoteIp)) {
            throw new IOException("--local-ip and --remote-ip are both " + localIp
                    + ": the two tunnel ends need different addresses");
        }
    }

    /**
     * Strict dotted-quad IPv4 (four decimal octets 0..255, no leading zeros, no host names: a DNS
     * lookup must never happen here).
     */
    static void requireIpv4(String option, String value) throws IOException {
        String expected = option + " must be a dotted-quad IPv4 address such as 10.0.0.1, not '" + value + "'";
        if (value == null) {
            throw new IOException(expected);
        }
        String[] parts = value.split("\\.", -1);
        if (parts.length != 4) {
            throw new IOException(expected);
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                throw new IOException(expected);
            }
            for (int i = 0; i < p.length(); i++) {
                if (p.charAt(i) < '0' || p.charAt(i) > '9') {
                    throw new IOException(expected);
                }
            }
            if (Integer.parseInt(p) > 255) {
                throw new IOException(expected);
            }
        }
    }

    private static String ipCommand() throws IOException {
        for (String c : IP_CANDIDATES) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "ip"))) {
                return Path.of(dir, "ip").toString();
            }
        }
        throw new IOException("the 'ip' command was not found (install iproute2)");
    }

    private static void run(String... command) throws IOException {
        String shown = "ip " + String.join(" ", List.of(command).subList(1, command.length));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        byte[] out;
        try {
            out = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("'" + shown + "' did not finish within " + COMMAND_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running '" + shown + "'", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("'" + shown + "' failed (exit " + p.exitValue() + "): " + firstLine(out));
        }
    }

    private static String firstLine(byte[] out) {
        List<String> lines = new ArrayList<>(new String(out, StandardCharsets.UTF_8)
                .lines()
                .filter(l -> !l.isBlank())
                .toList());
        return lines.isEmpty() ? "no message" : lines.getFirst().strip();
    }
}
