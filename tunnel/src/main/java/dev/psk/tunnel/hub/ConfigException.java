package dev.psk.tunnel.hub;

import dev.psk.common.PskException;
import dev.psk.common.cli.PermanentFailure;

/**
 * A hub or client configuration is unusable. The message names the file, the field (with the
 * client's name or index) and what was expected; it never contains a key or PSK.
 */
public final class ConfigException extends PskException implements PermanentFailure {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
