package dev.psk.keygen.source;

/** A {@code --source} value is malformed (a usage error, as opposed to a source that fails). */
public final class SourceSyntaxException extends EntropySourceException {
    private static final long serialVersionUID = 1L;

    public SourceSyntaxException(String message, Throwable cause) {
        super(message, cause);
    }
}
