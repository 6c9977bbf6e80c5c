package dev.psk.tunnel.cli.support;

import dev.psk.common.cli.UsageException;
import dev.psk.tunnel.io.tun.TunConfigurator;
import dev.psk.tunnel.io.tun.TunParameters;
import java.io.IOException;

/**
 * The point-to-point tunnel's interface flags ({@code --tun}, {@code --local-ip},
 * {@code --remote-ip}) checked before anything is opened: the TUN layer's validators throw
 * {@link IOException}s naming the value, and here, where the value is an argument, they become usage
 * errors (exit 2) instead of a failure found after the pad, state and socket are open.
 */
public final class TunFlagRules {
    private TunFlagRules() {}

    public static void check(String tun, String localIp, String remoteIp) {
        try {
            TunParameters.validateName(tun);
        } catch (IOException e) {
            throw new UsageException("--tun: " + e.getMessage());
        }
        try {
            TunConfigurator.requireAddresses(localIp, remoteIp);
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
