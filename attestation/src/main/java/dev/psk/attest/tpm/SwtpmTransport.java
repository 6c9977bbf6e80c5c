package dev.psk.attest.tpm;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * swtpm's TCP data port ({@code swtpm socket --server type=tcp,port=P}). swtpm speaks raw TPM
 * commands on it, unframed — the same bytes as /dev/tpmrm0 and what tpm2-tss's {@code swtpm:} TCTI
 * sends (unlike the Microsoft simulator's {@code mssim} framing). The response's size field tells
 * how much to read. There is no resource manager behind it: callers flush what they load. swtpm
 * serves one connection at a time, so while another client (tpm2-abrmd) holds it this one waits.
 */
public final class SwtpmTransport implements TpmTransport {
    /**
     * swtpm answers every command, RSA key generation included, within a few seconds; a port that
     * stays silent longer is not swtpm's command port (its control port waits for more input).
     */
    static final java.time.Duration SWTPM_COMMAND_TIMEOUT = java.time.Duration.ofSeconds(15);

    /**
     * System property overriding {@link #SWTPM_COMMAND_TIMEOUT} in milliseconds (tests use a short
     * one; a slow emulated TPM may need a longer one).
     */
    public static final String TIMEOUT_PROPERTY = "psk.swtpm.timeout-ms";

    private final Socket socket;
    private final int port;
    private final DataInputStream in;
    private final OutputStream out;
    private final String where;
    private final java.time.Duration timeout;

    private SwtpmTransport(Socket socket, String where, java.time.Duration timeout) throws IOException {
        this.socket = socket;
        this.timeout = timeout;
        this.port = socket.getPort();
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.where = where;
    }

    public static SwtpmTransport connect(String host, int port) throws TpmException {
        String where = "swtpm at " + host + ":" + port;
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), (int) Tpm2.CONNECT_TIMEOUT.toMillis());
            java.time.Duration timeout = commandTimeout();
            s.setSoTimeout((int) timeout.toMillis());
            return new SwtpmTransport(s, where, timeout);
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new TpmException("cannot connect to " + where + ": " + dev.psk.common.IoErrors.reason(e), e);
        }
    }

    /** {@link #SWTPM_COMMAND_TIMEOUT}, or the {@link #TIMEOUT_PROPERTY} when it is a positive number. */
    static java.time.Duration commandTimeout() {
        String v = System.getProperty(TIMEOUT_PROPERTY);
        if (v != null) {
            try {
                long ms = Long.parseLong(v.strip());
                if (ms > 0 && ms <= Integer.MAX_VALUE) {
                    return java.time.Duration.ofMillis(ms);
                }
            } catch (NumberFormatException e) {
                // ignored: the default applies
            }
        }
        return SWTPM_COMMAND_TIMEOUT;
    }

    private String timeoutText() {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    @Override
    public byte[] transact(byte[] command) throws TpmException {
        try {
            out.write(command);
            out.flush();
            byte[] header = new byte[Tpm2.HEADER_BYTES];
            in.readFully(header);
            int size = ((header[2] & 0xff) << 24)
                    | ((header[3] & 0xff) << 16)
                    | ((header[4] & 0xff) << 8)
                    | (header[5] & 0xff);
            if (size < Tpm2.HEADER_BYTES || size > Tpm2.MAX_RESPONSE_BYTES) {
                throw new TpmException(where + ": response size " + Integer.toUnsignedString(size) + " out of range");
            }
            byte[] response = new byte[size];
            System.arraycopy(header, 0, response, 0, Tpm2.HEADER_BYTES);
            in.readFully(response, Tpm2.HEADER_BYTES, size - Tpm2.HEADER_BYTES);
            return response;
        } catch (java.net.SocketTimeoutException e) {
            // swtpm serves one connection at a time: a client that keeps its connection open
            // (tpm2-abrmd, a stuck tool) makes every other client wait.
            throw new TpmException(
                    where + ": no TPM response within " + timeoutText()
                            + ": is " + port + " swtpm's server (command) port, not its control port or another"
                            + " service? (swtpm also serves one connection at a time: is tpm2-abrmd holding it?)",
                    e);
        } catch (IOException e) {
            throw new TpmException(where + ": " + dev.psk.common.IoErrors.reason(e), e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
