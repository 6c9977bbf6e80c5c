package dev.psk.tunnel.cli;

import dev.psk.common.PskException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Resolves the peer's host name at start, retrying while the network or DNS is not up yet (a boot
 * where network-online.target came before the resolver could answer), like wg(8) with
 * {@code WG_ENDPOINT_RESOLUTION_RETRIES}: {@code PSK_ENDPOINT_RESOLUTION_RETRIES} retries (default
 * 15; {@code infinity} never gives up; 0 tries once), waiting 1 s, 2 s, ... up to 20 s between
 * them. A literal address never waits.
 */
public final class EndpointResolver {
    static final String ENV = "PSK_ENDPOINT_RESOLUTION_RETRIES";
    static final int DEFAULT_RETRIES = 15;
    private static final Duration MAX_WAIT = Duration.ofSeconds(20);

    interface Lookup {
        InetAddress byName(String host) throws UnknownHostException;
    }

    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final long retries;
    private final Lookup lookup;
    private final Sleeper sleeper;
    private final Consumer<String> log;

    EndpointResolver(long retries, Lookup lookup, Sleeper sleeper, Consumer<String> log) {
        this.retries = retries;
        this.lookup = lookup;
        this.sleeper = sleeper;
        this.log = log;
    }

    public static EndpointResolver fromEnvironment(Consumer<String> log) throws PskException {
        return new EndpointResolver(
                parseRetries(System.getenv(ENV)), InetAddress::getByName, d -> Thread.sleep(d), log);
    }

    /** {@code null} or empty: the default; {@code infinity}: Long.MAX_VALUE; else a count >= 0. */
    static long parseRetries(String value) throws PskException {
        if (value == null || value.isBlank()) {
            return DEFAULT_RETRIES;
        }
        if (value.strip().equals("infinity")) {
            return Long.MAX_VALUE;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new PskException(ENV + " must be a count >= 0 or 'infinity', not '" + value + "'");
    }

    InetSocketAddress resolve(String host, int port) throws PskException {
        return resolve("--remote-host", host, port);
    }

    /** {@code what} names the setting in messages, e.g. "--remote-host" or "ServerEndpoint". */
    public InetSocketAddress resolve(String what, String host, int port) throws PskException {
        for (long attempt = 0; ; attempt++) {
            try {
                return new InetSocketAddress(lookup.byName(host), port);
            } catch (UnknownHostException e) {
                if (attempt >= retries) {
                    throw new PskException(what + " " + host + " cannot be resolved"
                            + (retries > 0 ? " (tried " + (attempt + 1) + " times)" : ""));
                }
                Duration wait = Duration.ofSeconds(Math.min(attempt + 1, MAX_WAIT.toSeconds()));
                log.accept(what + " " + host + " cannot be resolved yet; retrying in " + wait.toSeconds() + " s");
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new PskException(what + " " + host + ": resolution interrupted");
                }
            }
        }
    }
}
