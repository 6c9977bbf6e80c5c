package dev.psk.identity.pkcs11;

/**
 * What C_GetTokenInfo says about a token, with the slot it sits in. Text fields are trimmed of the
 * blank padding PKCS#11 uses.
 *
 * @param slotId CK_SLOT_ID (unsigned)
 * @param initialized CKF_TOKEN_INITIALIZED
 * @param loginRequired CKF_LOGIN_REQUIRED
 * @param userPinInitialized CKF_USER_PIN_INITIALIZED
 */
public record TokenInfo(
        long slotId,
        String label,
        String manufacturer,
        String model,
        String serial,
        boolean initialized,
        boolean loginRequired,
        boolean userPinInitialized,
        boolean hasRng) {

    /** "'label' (serial S, slot N)" for messages. */
    public String describe() {
        return "'" + label + "' (serial " + (serial.isEmpty() ? "-" : serial) + ", slot "
                + Long.toUnsignedString(slotId) + ")";
    }

    /** A URI selecting this token in the given module: {@code pkcs11:token=…;serial=…?module-path=…}. */
    public Pkcs11Uri uri(String modulePath) throws Pkcs11UriException {
        return Pkcs11Uri.builder()
                .path("token", label)
                .path("serial", serial.isEmpty() ? null : serial)
                .query("module-path", modulePath)
                .build();
    }
}
