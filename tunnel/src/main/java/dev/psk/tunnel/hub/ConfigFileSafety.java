package dev.psk.tunnel.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Refuses a configuration file that someone other than the process's user can change. Whoever can
 * write the hub's file can enrol a client (add a key and a PSK) or take over a client's addresses,
 * and the hub reloads it by itself on every change: so a file writable by group or others, or
 * owned by another user, is refused at start and on every reload (the running configuration
 * stays). Read access for group or others is only warned about by the CLI (the keys leak, but
 * nobody is enrolled).
 *
 * <p>On a file system without POSIX attributes nothing is checked.
 */
public final class ConfigFileSafety {
    private ConfigFileSafety() {}

    /** @throws ConfigException naming the file, what is wrong and the fix */
    public static void check(Path file) throws ConfigException {
        Set<PosixFilePermission> mode;
        int owner;
        try {
            mode = Files.getPosixFilePermissions(file);
            owner = (Integer) Files.getAttribute(file, "unix:uid");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return;
        } catch (IOException e) {
            throw new ConfigException(
                    file + ": cannot read its owner and mode (" + e.getClass().getSimpleName() + ")", e);
        }
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new ConfigException(file + ": writable by group or others (" + PosixFilePermissions.toString(mode)
                    + "): whoever can write it can enrol clients; refused (chmod go-w " + file + ")");
        }
        int self = processUid();
        if (self >= 0 && owner != self) {
            throw new ConfigException(file + ": owned by uid " + owner + ", not by the uid this process runs as ("
                    + self + "): that user can enrol clients; refused (chown it to uid " + self + ")");
        }
    }

    /** The effective uid of this process (owner of /proc/self), or -1 where that cannot be known. */
    static int processUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }
}
