package dev.psk.keygen.source;

import java.nio.file.Path;

/** Turns a {@code --source} value into an open source: {@code system}, {@code pkcs11:...} or a device path. */
public final class Sources {
    public static final String SYSTEM = "system";
    public static final String PKCS11_SCHEME = "pkcs11:";

    private Sources() {}

    /**
     * @param readers parallel reader threads for the system source (others read sequentially)
     * @throws EntropySourceException when the source cannot be opened
     */
    public static EntropySource open(String spec, int readers) throws EntropySourceException {
        if (spec == null || spec.isBlank()) {
            throw new SourceSyntaxException("--source: expected system, a device path or a pkcs11: URI", null);
        }
        if (spec.equals(SYSTEM)) {
            return new SystemSource(readers);
        }
        if (spec.regionMatches(true, 0, PKCS11_SCHEME, 0, PKCS11_SCHEME.length())) {
            return Pkcs11Source.open(spec);
        }
        return DeviceSource.open(Path.of(spec));
    }
}
