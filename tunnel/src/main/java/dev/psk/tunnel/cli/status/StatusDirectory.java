package dev.psk.tunnel.cli.status;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where {@code psk-tunnel show} finds status files: {@code DIR/NAME.json} (a tunnel started by
 * hand) or {@code DIR/INSTANCE/NAME.json} (a systemd instance, whose runtime directory
 * {@code /run/psk-tunnel/INSTANCE} is its own and is removed when that instance stops). NAME is
 * always the interface name, so {@code show tun0} works either way.
 */
public final class StatusDirectory {
    private StatusDirectory() {}

    /**
     * Where a daemon with interface {@code iface} writes its status: {@code option} when it names
     * a file, {@code option/IFACE.json} when it names an existing directory (the systemd units pass
     * their runtime directory, which exists before the daemon starts), the default path when null.
     */
    public static Path statusFile(Path option, String iface) {
        if (option == null) {
            return StatusFile.defaultPath(iface);
        }
        return Files.isDirectory(option) ? option.resolve(iface + ".json") : option;
    }

    /** The status file of interface {@code name}: the top-level one if present, else one below. */
    public static Path find(Path dir, String name) throws IOException {
        Path top = dir.resolve(name + ".json");
        if (Files.exists(top) || !Files.isDirectory(dir)) {
            return top;
        }
        try (DirectoryStream<Path> subdirs = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path sub : subdirs) {
                Path f = sub.resolve(name + ".json");
                if (Files.exists(f)) {
                    return f;
                }
            }
        }
        return top; // absent: the caller reports the expected path
    }

    /** Every status file in {@code dir} and one level below, unsorted. */
    public static List<Path> list(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isDirectory(p)) {
                    try (DirectoryStream<Path> inner = Files.newDirectoryStream(p, "*.json")) {
                        inner.forEach(files::add);
                    }
                } else if (p.getFileName().toString().endsWith(".json")) {
                    files.add(p);
                }
            }
        }
        return files;
    }
}
