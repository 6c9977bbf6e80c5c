package dev.psk.identity.pkcs11;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the PKCS#11 module a URI names: {@code module-path} wins (RFC 7512 section 2.3: it is the
 * more specific of the two); {@code module-name} is looked up as NAME, NAME.so and libNAME.so in
 * the usual module directories of Debian and most Linux distributions.
 */
public final class ModuleLocator {
    /** Searched in this order for {@code module-name}. */
    public static final List<Path> SEARCH_DIRS = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu/pkcs11"),
            Path.of("/usr/lib/aarch64-linux-gnu/pkcs11"),
            Path.of("/usr/lib/pkcs11"),
            Path.of("/usr/lib/softhsm"),
            Path.of("/usr/local/lib/softhsm"),
            Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/usr/lib/aarch64-linux-gnu"),
            Path.of("/usr/lib"),
            Path.of("/usr/local/lib"),
            Path.of("/usr/lib64"));

    private ModuleLocator() {}

    /**
     * The module file for a URI.
     *
     * @throws Pkcs11Exception.ModuleException when the URI names no module, or the named one is not found
     */
    public static Path locate(Pkcs11Uri uri) throws Pkcs11Exception.ModuleException {
        if (uri.modulePath().isPresent()) {
            Path p = Path.of(uri.modulePath().get());
            if (!p.isAbsolute()) {
                throw new Pkcs11Exception.ModuleException("module-path \"" + p + "\": expected an absolute path");
            }
            if (!Files.exists(p)) {
                throw new Pkcs11Exception.ModuleException("PKCS#11 module " + p + ": no such file");
            }
            return p;
        }
        if (uri.moduleName().isPresent()) {
            String name = uri.moduleName().get();
            if (name.isEmpty() || name.contains("/")) {
                throw new Pkcs11Exception.ModuleException("module-name \"" + name
                        + "\": expected a bare module name such as softhsm2 (use module-path for a path)");
            }
            List<String> tried = new ArrayList<>();
            for (Path dir : SEARCH_DIRS) {
                for (String file : List.of(name, name + ".so", "lib" + name + ".so")) {
                    Path p = dir.resolve(file);
                    if (Files.isRegularFile(p)) {
                        return p;
                    }
                }
                tried.add(dir.toString());
            }
            throw new Pkcs11Exception.ModuleException("module-name \"" + name + "\": no " + name + ".so or lib" + name
                    + ".so in " + String.join(", ", tried));
        }
        throw new Pkcs11Exception.ModuleException(
                "the URI names no PKCS#11 module: add ?module-path=/path/to/module.so (or module-name=NAME)");
    }
}
