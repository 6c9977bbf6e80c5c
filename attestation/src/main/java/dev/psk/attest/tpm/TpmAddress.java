package dev.psk.attest.tpm;

import java.nio.file.Path;

/**
 * Where a TPM is: {@code swtpm:host=127.0.0.1,port=2321} (swtpm's TCP data port; host defaults
 * to 127.0.0.1, port to 2321) or {@code device:/dev/tpmrm0} (a character device; {@code device}
 * alone means /dev/tpmrm0). The same spelling as tpm2-tools' TCTI strings for the swtpm case.
 */
public record TpmAddress(String host, int port, Path device) {
    public static final int DEFAULT_SWTPM_PORT = 2321;
    public static final Path DEFAULT_DEVICE = Path.of("/dev/tpmrm0");

    /** @throws IllegalArgumentException naming what is wrong */
    public static TpmAddress parse(String text) {
        String t = text.strip();
        if (t.equals("device") || t.startsWith("device:")) {
            String p = t.length() > "device:".length() ? t.substring("device:".length()) : "";
            return new TpmAddress(null, 0, p.isEmpty() ? DEFAULT_DEVICE : Path.of(p));
        }
        if (t.equals("swtpm") || t.startsWith("swtpm:")) {
            String host = "127.0.0.1";
            int port = DEFAULT_SWTPM_PORT;
            String conf = t.length() > "swtpm:".length() ? t.substring("swtpm:".length()) : "";
            for (String kv : conf.split(",")) {
                if (kv.isBlank()) {
                    continue;
                }
                int eq = kv.indexOf('=');
                String k = eq < 0 ? "" : kv.substring(0, eq).strip();
                String v = eq < 0 ? "" : kv.substring(eq + 1).strip();
                switch (k) {
                    case "host" -> host = v;
                    case "port" -> {
                        try {
                            port = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            port = -1;
                        }
                        if (port <= 0 || port > 65535) {
                            throw new IllegalArgumentException("TPM address '" + text + "': port must be 1-65535");
                        }
                    }
                    default ->
                        throw new IllegalArgumentException(
                                "TPM address '" + text + "': unknown key '" + kv + "' (host=, port=)");
                }
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("TPM address '" + text + "': empty host");
            }
            return new TpmAddress(host, port, null);
        }
        throw new IllegalArgumentException(
                "TPM address '" + text + "': expected swtpm:host=H,port=P or device:/dev/tpmrm0");
    }

    public TpmTransport open() throws TpmException {
        return device != null ? DeviceTransport.open(device) : SwtpmTransport.connect(host, port);
    }

    @Override
    public String toString() {
        return device != null ? "device:" + device : "swtpm:host=" + host + ",port=" + port;
    }
}
