package dev.psk.provision.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Checks on PIN files before they are read: like ssh with private keys, say so when others can read one. */
final class PinFiles {
    private PinFiles() {}

    /** Prints one warning line when {@code file} is readable or writable by group or others. */
    static void warnIfExposed(Path file, PrintWriter err) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ)
                    || p.contains(PosixFilePermission.OTHERS_READ)
                    || p.contains(PosixFilePermission.GROUP_WRITE)
                    || p.contains(PosixFilePermission.OTHERS_WRITE)) {
                err.println("psk-provision: warning: PIN file " + file + " is accessible to group or others ("
                        + PosixFilePermissions.toString(p) + "); chmod 600 it");
                err.flush();
            }
        } catch (IOException | UnsupportedOperationException e) {
            // unreadable or missing: reading it reports the problem
        }
    }
}
