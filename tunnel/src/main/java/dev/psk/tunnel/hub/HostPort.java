package dev.psk.tunnel.hub;

/**
 * A hub endpoint written {@code HOST:PORT} ({@code [ADDR]:PORT} for IPv6), as in a client's
 * {@code ServerEndpoint} and {@code psk-provision hub add-client --endpoint}. The host is not
 * resolved here.
 *
 * @param host the host name or address, IPv6 without its brackets
 * @param port 1..65535
 */
public record HostPort(String host, int port) {
    /**
     * @throws IllegalArgumentException naming what was expected and the value given
     */
    public static HostPort parse(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException(
                    "expected HOST:PORT (IPv6 as [ADDR]:PORT), e.g. 192.0.2.1:51820, got '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got '" + value.substring(colon + 1) + "'");
        }
        return new HostPort(host, port);
    }
}
