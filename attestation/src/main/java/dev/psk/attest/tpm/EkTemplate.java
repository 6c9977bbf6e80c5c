package dev.psk.attest.tpm;

import dev.psk.common.Hex;
import java.util.Locale;
import java.util.Optional;

/**
 * The endorsement-key templates of the TCG EK Credential Profile (v2.5 §2.2.1) this toolkit uses,
 * each with the NV index its certificate lives at. TPM2_CreatePrimary in the endorsement
 * hierarchy with one of these yields the key the manufacturer certified (what {@code
 * tpm2_createek} does): the template, not a stored key, identifies the EK.
 *
 * <ul>
 *   <li>{@link #RSA_2048}: template L-1, certificate at 0x01c00002 (swtpm and most TPMs);
 *   <li>{@link #ECC_P256}: template L-2, certificate at 0x01c0000a (most real TPMs);
 *   <li>{@link #ECC_P384}: template H-3, certificate at 0x01c00016 (swtpm 0.7's ECC EK).
 * </ul>
 *
 * The low-range templates clear userWithAuth: their USER role needs the EK policy, PolicySecret
 * with the endorsement hierarchy. The high-range ones set it, so an empty password suffices.
 * Templates overridden by the manufacturer through the EK template and nonce NV indices
 * (0x01c00004/0x01c00003, 0x01c0000c/0x01c0000b) are not supported.
 */
public enum EkTemplate {
    RSA_2048("rsa", 0x01c00002),
    ECC_P256("ecc", 0x01c0000a),
    ECC_P384("ecc384", 0x01c00016);

    /** PolicySecret(TPM_RH_ENDORSEMENT) in SHA-256: the low-range templates' authPolicy ("policy A"). */
    public static final byte[] POLICY_A_SHA256 =
            Hex.decode("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");
    /** The high-range SHA-384 templates' authPolicy ("policy B": an OR of PolicySecret and PolicyAuthorizeNV). */
    public static final byte[] POLICY_B_SHA384 = Hex.decode(
            "b26e7d28d11a50bc53d882bcf5fd3a1a074148bb35d3b4e4cb1c0ad9bde419cacb47ba09699646150f9fc000f3f80e12");

    /** fixedTPM, fixedParent, sensitiveDataOrigin, adminWithPolicy, restricted, decrypt (0x000300b2). */
    public static final int LOW_RANGE_ATTRIBUTES = Tpm2.TPMA_OBJECT_FIXED_TPM
            | Tpm2.TPMA_OBJECT_FIXED_PARENT
            | Tpm2.TPMA_OBJECT_SENSITIVE_DATA_ORIGIN
            | Tpm2.TPMA_OBJECT_ADMIN_WITH_POLICY
            | Tpm2.TPMA_OBJECT_RESTRICTED
            | Tpm2.TPMA_OBJECT_DECRYPT;

    private final String optionName;
    private final int certificateIndex;

    EkTemplate(String optionName, int certificateIndex) {
        this.optionName = optionName;
        this.certificateIndex = certificateIndex;
    }

    /** The name used on the command line: rsa, ecc, ecc384. */
    public String optionName() {
        return optionName;
    }

    /** NV index of this EK's certificate (TCG EK Credential Profile §2.2.1.4-5). */
    public int certificateIndex() {
        return certificateIndex;
    }

    /** The TPMT_PUBLIC template to pass to TPM2_CreatePrimary. */
    public byte[] template() {
        TpmWriter w = new TpmWriter();
        switch (this) {
            case RSA_2048 -> {
                w.u16(Tpm2.TPM_ALG_RSA).u16(HashAlg.SHA256.id()).u32(LOW_RANGE_ATTRIBUTES);
                w.tpm2b(POLICY_A_SHA256);
                w.u16(Tpm2.TPM_ALG_AES).u16(128).u16(Tpm2.TPM_ALG_CFB);
                w.u16(Tpm2.TPM_ALG_NULL); // scheme
                w.u16(2048).u32(0); // keyBits, exponent (0 = 65537)
                w.tpm2b(new byte[256]); // unique: 256 zero bytes
            }
            case ECC_P256 -> {
                w.u16(Tpm2.TPM_ALG_ECC).u16(HashAlg.SHA256.id()).u32(LOW_RANGE_ATTRIBUTES);
                w.tpm2b(POLICY_A_SHA256);
                w.u16(Tpm2.TPM_ALG_AES).u16(128).u16(Tpm2.TPM_ALG_CFB);
                w.u16(Tpm2.TPM_ALG_NULL); // scheme
                w.u16(Tpm2.TPM_ECC_NIST_P256).u16(Tpm2.TPM_ALG_NULL); // curve, kdf
                w.tpm2b(new byte[32]).tpm2b(new byte[32]); // unique: zero x and y
            }
            case ECC_P384 -> {
                w.u16(Tpm2.TPM_ALG_ECC)
                        .u16(HashAlg.SHA384.id())
                        .u32(LOW_RANGE_ATTRIBUTES | Tpm2.TPMA_OBJECT_USER_WITH_AUTH);
                w.tpm2b(POLICY_B_SHA384);
                w.u16(Tpm2.TPM_ALG_AES).u16(256).u16(Tpm2.TPM_ALG_CFB);
                w.u16(Tpm2.TPM_ALG_NULL); // scheme
                w.u16(Tpm2.TPM_ECC_NIST_P384).u16(Tpm2.TPM_ALG_NULL); // curve, kdf
                w.tpm2b(new byte[0]).tpm2b(new byte[0]); // unique: empty
            }
        }
        return w.toByteArray();
    }

    public static Optional<EkTemplate> fromOption(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (EkTemplate t : values()) {
            if (t.optionName.equals(n)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
