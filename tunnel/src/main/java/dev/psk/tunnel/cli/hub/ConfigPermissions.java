package dev.psk.tunnel.cli.hub;

import dev.psk.common.log.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Warns (as wg-quick does) when a configuration holding keys and PSKs is readable by group or
 * others. Writable by them, or owned by another user, is refused by the parser ({@code
 * ConfigFileSafety}).
 */
final class ConfigPermissions {
    private ConfigPermissions() {}

    static void warnIfOpen(Path config) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(config);
            Set<PosixFilePermission> open = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
            open.retainAll(p);
            if (!open.isEmpty()) {
                Log.stderr("psk-tunnel")
                        .warn(config + " holds private keys and PSKs but is readable by group or others"
                                + " (chmod 600 it)");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
    }
}
