package dev.psk.common.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the test vectors: {@code testdata/vectors} in the checkout (the committed copy), or the
 * directory {@code -Dpsk.vectors.dir=DIR} names. One file can also be replaced by its own property
 * ({@link #file}), e.g. {@code -Dpsk2.vectors=FILE}.
 */
public final class SharedVectors {
    /** System property: a directory laid out like testdata/vectors to use instead of it. */
    public static final String DIR_PROPERTY = "psk.vectors.dir";

    private SharedVectors() {}

    public static Path dir() {
        String prop = System.getProperty(DIR_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop).toAbsolutePath().normalize();
            if (!Files.isDirectory(p)) {
                throw new IllegalStateException("-D" + DIR_PROPERTY + "=" + prop + " is not a directory");
            }
            return p;
        }
        Path committed = projectDir().resolve("testdata").resolve("vectors");
        if (!Files.isDirectory(committed)) {
            throw new IllegalStateException(committed + " is missing: set -D" + DIR_PROPERTY + "=DIR");
        }
        return committed;
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
