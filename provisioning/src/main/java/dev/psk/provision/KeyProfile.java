package dev.psk.provision;

import dev.psk.identity.pkcs11.Pkcs11Exception;
import dev.psk.identity.pkcs11.Pkcs11Token;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * What a kind of token can do, checked before anything touches it.
 *
 * <ul>
 * <li>{@link #GENERIC}: any PKCS#11 token (SoftHSM2, tpm2-pkcs11, HSMs): operator-chosen labels,
 *     a random 8-byte CKA_ID, EC P-256.
 * <li>{@link #ATECC608A}: Microchip ATECC608A through CryptoAuthLib's PKCS#11 module. The chip
 *     has 16 fixed slots and P-256 as its only public-key algorithm; in the TrustFLEX-style layout
 *     this profile assumes, slot 0 holds the factory device key (usable, never regenerated) and
 *     slots 2, 3 and 4 accept GenKey. Keys are named by slot: CKA_LABEL "atecc608a-slot-N",
 *     CKA_ID the single byte N. Tokens cannot be initialized (the configuration zone is locked at
 *     manufacture), a slot that holds a key is never overwritten, and no key beyond slot 4 is created.
 * </ul>
 */
public enum KeyProfile {
    GENERIC,
    ATECC608A;

    /** ATECC608A slots this profile generates keys in, in order of preference. */
    public static final List<Integer> ATECC_GENERATABLE_SLOTS = List.of(2, 3, 4);
    /** ATECC608A slot of the factory-provisioned device key. */
    public static final int ATECC_DEVICE_KEY_SLOT = 0;

    public static KeyProfile parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "generic" -> GENERIC;
            case "atecc608a", "atecc608b", "atecc608" -> ATECC608A;
            default -> throw new IllegalArgumentException("profile \"" + s + "\": expected generic or atecc608a");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Refuses key types this profile's hardware cannot generate. */
    public void checkKeyType(KeyType type) throws ProvisionException {
        if (type == KeyType.EC_P256) {
            return;
        }
        if (this == ATECC608A) {
            throw new ProvisionException(
                    "profile atecc608a: the ATECC608A generates only EC P-256 keys (no other curve, no RSA,"
                            + " no Ed25519); refusing " + type);
        }
        throw new ProvisionException(
                "key type " + type + ": identity keys are EC P-256 only (the algorithm TPM 2.0 and the"
                        + " ATECC608A share, and the one the tunnel handshake verifies)");
    }

    /** Refuses token initialization where the hardware has none. */
    public void checkTokenInit() throws ProvisionException {
        if (this == ATECC608A) {
            throw new ProvisionException(
                    "profile atecc608a: an ATECC608A token cannot be initialized with C_InitToken; its"
                            + " slots are fixed by the chip's locked configuration zone and CryptoAuthLib's slot configuration");
        }
    }

    /** The fixed on-chip label of an ATECC608A slot. */
    public static String ateccLabel(int slot) {
        return "atecc608a-slot-" + slot;
    }

    /**
     * The slot a new key goes to: {@code requested} when given (it must be 2, 3 or 4 and empty),
     * otherwise the first empty one.
     *
     * @throws ProvisionException for another slot, a slot holding a key, or no empty slot left
     */
    public static int chooseAteccSlot(Pkcs11Token token, OptionalInt requested)
            throws ProvisionException, Pkcs11Exception {
        if (requested.isPresent()) {
            int s = requested.getAsInt();
            if (s == ATECC_DEVICE_KEY_SLOT) {
                throw new ProvisionException("profile atecc608a: slot 0 holds the factory device key; it is used as is"
                        + " (pkcs11:object=" + ateccLabel(0) + ") and never regenerated");
            }
            if (!ATECC_GENERATABLE_SLOTS.contains(s)) {
                throw new ProvisionException("profile atecc608a: slot " + s
                        + " cannot hold a generated key; expected one of " + ATECC_GENERATABLE_SLOTS);
            }
            if (token.idExists(new byte[] {(byte) s})) {
                throw new ProvisionException("profile atecc608a: slot " + s + " already holds a key ('" + ateccLabel(s)
                        + "'); refusing to overwrite it");
            }
            return s;
        }
        for (int s : ATECC_GENERATABLE_SLOTS) {
            if (!token.idExists(new byte[] {(byte) s})) {
                return s;
            }
        }
        throw new ProvisionException("profile atecc608a: slots " + ATECC_GENERATABLE_SLOTS
                + " all hold keys; the chip has no further slot for a generated key");
    }
}
