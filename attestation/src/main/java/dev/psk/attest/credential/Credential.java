package dev.psk.attest.credential;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.tpm.Tpm2;
import dev.psk.attest.tpm.TpmReader;
import dev.psk.attest.tpm.TpmWriter;

/**
 * What TPM2_MakeCredential produces (TPM 2.0 Part 3 §12.6) and TPM2_ActivateCredential consumes:
 * the contents of a TPM2B_ID_OBJECT (integrityHMAC and encIdentity) and of a
 * TPM2B_ENCRYPTED_SECRET (the seed, RSA-OAEP ciphertext or a marshalled ephemeral ECC point).
 *
 * <p>{@link #toToolsFile()} and {@link #fromToolsFile} use tpm2-tools' credential file ({@code
 * tpm2_makecredential -o}, {@code tpm2_activatecredential -i}): magic 0xBADCC0DE, version 1, then
 * the two TPM2Bs.
 */
public record Credential(byte[] idObject, byte[] encryptedSecret) {
    static final int TOOLS_MAGIC = 0xbadcc0de;
    static final int TOOLS_VERSION = 1;
    /** sizeof(TPMU_ENCRYPTED_SECRET): the largest RSA ciphertext or ECC point a TPM accepts. */
    static final int MAX_SECRET_BYTES = Tpm2.MAX_RSA_KEY_BYTES;
    /** A TPM2B_ID_OBJECT holds a TPM2B_DIGEST HMAC and an encrypted TPM2B_DIGEST. */
    static final int MAX_ID_OBJECT_BYTES = 2 * (2 + Tpm2.MAX_DIGEST_BYTES);

    public byte[] toToolsFile() {
        return new TpmWriter()
                .u32(TOOLS_MAGIC)
                .u32(TOOLS_VERSION)
                .tpm2b(idObject)
                .tpm2b(encryptedSecret)
                .toByteArray();
    }

    public static Credential fromToolsFile(byte[] file) throws TpmFormatException {
        TpmReader r = TpmReader.of(file, "tpm2-tools credential file");
        int magic = r.u32("magic");
        if (magic != TOOLS_MAGIC) {
            throw r.error("magic", String.format("is 0x%08x, expected 0xbadcc0de", magic));
        }
        int version = r.u32("version");
        if (version != TOOLS_VERSION) {
            throw r.error("version", "is " + version + ", expected 1");
        }
        byte[] id = r.tpm2b(MAX_ID_OBJECT_BYTES, "credentialBlob");
        byte[] secret = r.tpm2b(MAX_SECRET_BYTES, "secret");
        r.end();
        return new Credential(id, secret);
    }
}
