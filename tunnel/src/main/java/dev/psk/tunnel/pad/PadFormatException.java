package dev.psk.tunnel.pad;

import dev.psk.common.cli.PermanentFailure;

/**
 * The file is there and readable but is not a usable pad: too small, a partial trailing slot (a
 * truncated or appended-to copy), an all-zero control slot. Restarting cannot fix it, so a daemon
 * stops with the do-not-restart exit code; the message says how to check and replace the copy.
 */
public final class PadFormatException extends PadException implements PermanentFailure {
    private static final long serialVersionUID = 1L;

    public PadFormatException(String message) {
        super(message);
    }
}
