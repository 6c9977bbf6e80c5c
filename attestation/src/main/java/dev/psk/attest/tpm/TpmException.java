package dev.psk.attest.tpm;

import dev.psk.attest.AttestException;

/**
 * A TPM could not be reached, or answered a command with an error. {@link #responseCode()} is the
 * TPM_RC (TPM 2.0 Part 2 §6.6) or -1 for transport failures.
 */
public final class TpmException extends AttestException {
    private static final long serialVersionUID = 1L;
    private final int responseCode;

    public TpmException(String message) {
        super(message);
        this.responseCode = -1;
    }

    public TpmException(String message, Throwable cause) {
        super(message, cause);
        this.responseCode = -1;
    }

    public TpmException(String command, int rc) {
        super(command + " failed: TPM_RC 0x" + String.format("%03x", rc) + describe(rc));
        this.responseCode = rc;
    }

    public int responseCode() {
        return responseCode;
    }

    /** A short explanation of common response codes (Part 2 §6.6.3), with the parameter/handle/session number. */
    static String describe(int rc) {
        if ((rc & 0x80) != 0) {
            // Format-one code: bits 0-5 error, bit 6 parameter flag, bits 8-11 number.
            int err = rc & 0x3f;
            int n = (rc >>> 8) & 0xf;
            String where =
                    (rc & 0x40) != 0 ? "parameter " + n : (n & 0x8) != 0 ? "session " + (n & 0x7) : "handle " + n;
            String what = switch (err) {
                case 0x01 -> "asymmetric algorithm not supported or not correct";
                case 0x02 -> "inconsistent attributes";
                case 0x03 -> "hash algorithm not supported";
                case 0x04 -> "value out of range";
                case 0x0b -> "handle is not correct for the use";
                case 0x0e -> "authorization failure";
                case 0x12 -> "inconsistent key sizes or wrong scheme";
                case 0x15 -> "structure is the wrong size";
                case 0x18 -> "key is restricted: wrong scheme or digest not from the TPM";
                case 0x1a -> "unsupported key size";
                case 0x23 -> "curve not supported";
                default -> "error 0x" + Integer.toHexString(err);
            };
            return " (" + what + ", " + where + ")";
        }
        return switch (rc) {
            case 0x100 -> " (TPM_RC_INITIALIZE: TPM2_Startup not run)";
            case 0x101 -> " (TPM_RC_FAILURE: TPM in failure mode)";
            case 0x143 -> " (TPM_RC_COMMAND_CODE: command not supported)";
            case 0x184 -> " (TPM_RC_VALUE)";
            case 0x18b -> " (TPM_RC_HANDLE: handle does not exist)";
            case 0x902 ->
                " (TPM_RC_OBJECT_MEMORY: out of object slots; flush transient objects or use a resource manager)";
            case 0x903 -> " (TPM_RC_SESSION_MEMORY)";
            case 0x921 -> " (TPM_RC_LOCKOUT: dictionary-attack lockout)";
            case 0x922 -> " (TPM_RC_RETRY)";
            default -> "";
        };
    }
}
