package dev.psk.common.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the test vectors in {@code ../shared/vectors} (from the project root). Surefire passes
 * {@code psk.shared.dir}; a test run from elsewhere falls back to walking up from the working
 * directory, and a checkout with no shared directory beside it uses the committed copy in
 * {@code testdata/vectors}.
 */
public final class SharedVectors {
    private SharedVectors() {}

    public static Path dir() {
        String prop = System.getProperty("psk.shared.dir");
        if (prop != null && Files.isDirectory(Path.of(prop, "vectors"))) {
            return Path.of(prop, "vectors").toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared").resolve("vectors");
            if (Files.isDirectory(c)) {
                return c;
            }
            Path sib = p.resolveSibling("shared").resolve("vectors");
            if (Files.isDirectory(sib)) {
                return sib;
            }
        }
        Path committed = projectDir().resolve("testdata").resolve("vectors");
        if (Files.isDirectory(committed)) {
            return committed;
        }
        throw new IllegalStateException("shared/vectors not found: set -Dpsk.shared.dir=<path to shared>");
    }

    /** A vector file: the system property {@code propertyName} when set, else {@code relative} under the vectors dir. */
    public static Path file(String propertyName, String relative) {
        String override = propertyName == null ? null : System.getProperty(propertyName);
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath();
        }
        return dir().resolve(relative);
    }

    /** The project root (where the parent pom is). */
    public static Path projectDir() {
        String prop = System.getProperty("psk.project.dir");
        if (prop != null) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("common")) && Files.exists(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("project root not found");
    }
}
