package dev.psk.tunnel.cli;

import dev.psk.tunnel.crypto.AeadBackend;
import picocli.CommandLine;

/** Parses {@code --aead auto|openssl|jce} (the lower-case spelling; any case accepted). */
public final class AeadBackendConverter implements CommandLine.ITypeConverter<AeadBackend> {
    @Override
    public AeadBackend convert(String value) {
        try {
            return AeadBackend.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("expected auto, openssl or jce, not '" + value + "'");
        }
    }

    /** The values shown in completion and help, in their command-line spelling. */
    public static final class Candidates implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(AeadBackend.values())
                    .map(AeadBackend::label)
                    .iterator();
        }
    }
}
