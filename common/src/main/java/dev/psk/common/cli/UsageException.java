package dev.psk.common.cli;

/** A command's arguments are wrong in a way picocli cannot see (exit code 2). */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
