package dev.psk.identity.pkcs11;

import dev.psk.common.Hex;

/**
 * A private key object on an open {@link Pkcs11Token} (and its public key object, when the token
 * has one). Handles are only meaningful on the token that returned them, while it is open.
 *
 * @param privateHandle CK_OBJECT_HANDLE of the CKO_PRIVATE_KEY
 * @param publicHandle CK_OBJECT_HANDLE of the matching CKO_PUBLIC_KEY, or 0 when there is none
 * @param label CKA_LABEL ("" when absent)
 * @param id CKA_ID (empty when absent)
 * @param keyType CKA_KEY_TYPE (CKK_EC = 3, CKK_RSA = 0 …)
 */
public record TokenKey(long privateHandle, long publicHandle, String label, byte[] id, long keyType) {
    public TokenKey {
        id = id.clone();
    }

    @Override
    public byte[] id() {
        return id.clone();
    }

    /** True for an elliptic-curve key (CKK_EC). */
    public boolean isEc() {
        return keyType == Ck.CKK_EC;
    }

    @Override
    public String toString() {
        return "TokenKey[label=" + label + ", id=" + Hex.encode(id) + "]";
    }
}
