package dev.psk.attest.tpm;

import java.time.Duration;

/**
 * TPM 2.0 constants (Trusted Platform Module Library, Part 2 "Structures", rev. 1.59) used by the
 * command layer, the structure codecs and the verifier. Values are the wire values.
 */
public final class Tpm2 {
    private Tpm2() {}

    // ---- Specification: Part 2 §6 ----

    /** TPM_GENERATED_VALUE (§6.2): the magic of every TPMS_ATTEST the TPM signs. */
    public static final int TPM_GENERATED_VALUE = 0xff544347;

    /** TPM_ST (§6.9): command tags and attestation structure types. */
    public static final int TPM_ST_NO_SESSIONS = 0x8001;

    public static final int TPM_ST_SESSIONS = 0x8002;
    public static final int TPM_ST_ATTEST_NV = 0x8014;
    public static final int TPM_ST_ATTEST_COMMAND_AUDIT = 0x8015;
    public static final int TPM_ST_ATTEST_SESSION_AUDIT = 0x8016;
    public static final int TPM_ST_ATTEST_CERTIFY = 0x8017;
    public static final int TPM_ST_ATTEST_QUOTE = 0x8018;
    public static final int TPM_ST_ATTEST_TIME = 0x8019;
    public static final int TPM_ST_ATTEST_CREATION = 0x801a;
    public static final int TPM_ST_ATTEST_NV_DIGEST = 0x801c;

    /** TPM_ALG_ID (§6.3). Hash algorithms live in {@link HashAlg}. */
    public static final int TPM_ALG_RSA = 0x0001;

    public static final int TPM_ALG_AES = 0x0006;
    public static final int TPM_ALG_HMAC = 0x0005;
    public static final int TPM_ALG_KEYEDHASH = 0x0008;
    public static final int TPM_ALG_NULL = 0x0010;
    public static final int TPM_ALG_RSASSA = 0x0014;
    public static final int TPM_ALG_RSAPSS = 0x0016;
    public static final int TPM_ALG_ECDSA = 0x0018;
    public static final int TPM_ALG_ECDAA = 0x001a;
    public static final int TPM_ALG_SM2 = 0x001b;
    public static final int TPM_ALG_ECSCHNORR = 0x001c;
    public static final int TPM_ALG_ECC = 0x0023;
    public static final int TPM_ALG_SYMCIPHER = 0x0025;
    public static final int TPM_ALG_CFB = 0x0043;

    /** TPM_ECC_CURVE (§6.4). */
    public static final int TPM_ECC_NIST_P256 = 0x0003;

    public static final int TPM_ECC_NIST_P384 = 0x0004;
    public static final int TPM_ECC_NIST_P521 = 0x0005;

    /** TPM_CC (§6.5.2). */
    public static final int TPM_CC_EVICT_CONTROL = 0x00000120;

    public static final int TPM_CC_CREATE_PRIMARY = 0x00000131;
    public static final int TPM_CC_QUOTE = 0x00000158;
    public static final int TPM_CC_FLUSH_CONTEXT = 0x00000165;
    public static final int TPM_CC_READ_PUBLIC = 0x00000173;
    public static final int TPM_CC_PCR_READ = 0x0000017e;
    public static final int TPM_CC_GET_TIME = 0x0000014c;
    public static final int TPM_CC_ACTIVATE_CREDENTIAL = 0x00000147;
    public static final int TPM_CC_NV_READ = 0x0000014e;
    public static final int TPM_CC_POLICY_SECRET = 0x00000151;
    public static final int TPM_CC_LOAD_EXTERNAL = 0x00000167;
    public static final int TPM_CC_NV_READ_PUBLIC = 0x00000169;
    public static final int TPM_CC_START_AUTH_SESSION = 0x00000176;

    /** TPM_SE (§6.11): session types. */
    public static final int TPM_SE_POLICY = 0x01;

    /** TPMA_SESSION (§8.4): continueSession keeps the session loaded after the command. */
    public static final int TPMA_SESSION_CONTINUE_SESSION = 0x01;

    /** TPM_RH / TPM_RS (§7.4): hierarchies and the password session handle. */
    public static final int TPM_RH_OWNER = 0x40000001;

    public static final int TPM_RS_PW = 0x40000009;
    public static final int TPM_RH_NULL = 0x40000007;
    public static final int TPM_RH_ENDORSEMENT = 0x4000000b;

    /** TPM_HT (§7.2): the top byte of a handle. */
    public static final int TPM_HT_TRANSIENT = 0x80;

    public static final int TPM_HT_PERSISTENT = 0x81;

    /** TPMA_OBJECT bits (§8.3). */
    public static final int TPMA_OBJECT_FIXED_TPM = 1 << 1;

    public static final int TPMA_OBJECT_FIXED_PARENT = 1 << 4;
    public static final int TPMA_OBJECT_SENSITIVE_DATA_ORIGIN = 1 << 5;
    public static final int TPMA_OBJECT_USER_WITH_AUTH = 1 << 6;
    public static final int TPMA_OBJECT_ADMIN_WITH_POLICY = 1 << 7;
    public static final int TPMA_OBJECT_NO_DA = 1 << 10;
    public static final int TPMA_OBJECT_RESTRICTED = 1 << 16;
    public static final int TPMA_OBJECT_DECRYPT = 1 << 17;
    public static final int TPMA_OBJECT_SIGN = 1 << 18;

    /** TPMA_NV read-authorization bits (§13.4). */
    public static final int TPMA_NV_PPREAD = 1 << 16;

    public static final int TPMA_NV_OWNERREAD = 1 << 17;
    public static final int TPMA_NV_AUTHREAD = 1 << 18;
    public static final int TPMA_NV_WRITTEN = 1 << 29;

    /** Command/response header: tag UINT16, size UINT32, code UINT32 (Part 1 §18). */
    public static final int HEADER_BYTES = 10;
    /** PCRs per bank on a PC Client TPM (PC Client Platform TPM Profile §4.6). */
    public static final int PCR_COUNT = 24;
    /** Bytes of a TPMS_PCR_SELECTION bitmap for 24 PCRs. */
    public static final int PCR_SELECT_BYTES = 3;
    /** Largest TPM2B_DATA (sizeof(TPMT_HA) with SHA-512): the largest nonce a quote can carry. */
    public static final int MAX_DATA_BYTES = 64;
    /** Largest TPM2B_NAME (a TPMT_HA: 2-byte alg + SHA-512 digest). */
    public static final int MAX_NAME_BYTES = 66;
    /** Largest digest (SHA-512). */
    public static final int MAX_DIGEST_BYTES = 64;
    /** Banks a TPML_PCR_SELECTION may carry (HASH_COUNT on any real TPM is ≤ 5). */
    public static final int MAX_PCR_BANKS = 16;
    /** TPML_DIGEST: at most 8 digests per TPM2_PCR_Read answer (Part 2 §10.9.2). */
    public static final int MAX_DIGESTS_PER_READ = 8;
    /** Largest RSA key we accept (bytes of the modulus). */
    public static final int MAX_RSA_KEY_BYTES = 512;
    /** Largest ECC coordinate (P-521). */
    public static final int MAX_ECC_KEY_BYTES = 66;

    // ---- Implementation ----

    /** Largest response we read from a TPM (TPM2 MAX_RESPONSE_SIZE is 4096 on common TPMs). */
    public static final int MAX_RESPONSE_BYTES = 8192;
    /** How long one TPM command may take before the transport gives up (RSA key generation is slow). */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);
    /** Connect timeout for swtpm's TCP data port. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
}
