package dev.psk.identity.pkcs11;

import java.util.Map;

/**
 * PKCS#11 constants this library uses (PKCS#11 v2.40 base specification, pkcs11t.h), and the
 * native layout facts of the platform ABI. Names keep the specification's spelling.
 */
final class Ck {
    private Ck() {}

    // ---- specification: return values (section 5.1 / pkcs11t.h)
    static final long CKR_OK = 0x0;
    static final long CKR_SLOT_ID_INVALID = 0x3;
    static final long CKR_GENERAL_ERROR = 0x5;
    static final long CKR_FUNCTION_FAILED = 0x6;
    static final long CKR_ARGUMENTS_BAD = 0x7;
    static final long CKR_ATTRIBUTE_READ_ONLY = 0x10;
    static final long CKR_ATTRIBUTE_SENSITIVE = 0x11;
    static final long CKR_ATTRIBUTE_TYPE_INVALID = 0x12;
    static final long CKR_ATTRIBUTE_VALUE_INVALID = 0x13;
    static final long CKR_DEVICE_ERROR = 0x30;
    static final long CKR_FUNCTION_NOT_SUPPORTED = 0x54;
    static final long CKR_KEY_HANDLE_INVALID = 0x60;
    static final long CKR_KEY_UNEXTRACTABLE = 0x6A;
    static final long CKR_MECHANISM_INVALID = 0x70;
    static final long CKR_OBJECT_HANDLE_INVALID = 0x82;
    static final long CKR_PIN_INCORRECT = 0xA0;
    static final long CKR_PIN_INVALID = 0xA1;
    static final long CKR_PIN_LEN_RANGE = 0xA2;
    static final long CKR_PIN_LOCKED = 0xA4;
    static final long CKR_SESSION_READ_ONLY = 0xB5;
    static final long CKR_TEMPLATE_INCOMPLETE = 0xD0;
    static final long CKR_TEMPLATE_INCONSISTENT = 0xD1;
    static final long CKR_TOKEN_NOT_PRESENT = 0xE0;
    static final long CKR_TOKEN_NOT_RECOGNIZED = 0xE1;
    static final long CKR_TOKEN_WRITE_PROTECTED = 0xE2;
    static final long CKR_USER_ALREADY_LOGGED_IN = 0x100;
    static final long CKR_USER_NOT_LOGGED_IN = 0x101;
    static final long CKR_USER_PIN_NOT_INITIALIZED = 0x102;
    static final long CKR_USER_TYPE_INVALID = 0x103;
    static final long CKR_BUFFER_TOO_SMALL = 0x150;
    static final long CKR_CRYPTOKI_NOT_INITIALIZED = 0x190;
    static final long CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;

    // ---- specification: flags
    static final long CKF_OS_LOCKING_OK = 0x2;
    static final long CKF_RW_SESSION = 0x2;
    static final long CKF_SERIAL_SESSION = 0x4;
    static final long CKF_TOKEN_PRESENT = 0x1;
    static final long CKF_RNG = 0x1;
    static final long CKF_LOGIN_REQUIRED = 0x4;
    static final long CKF_USER_PIN_INITIALIZED = 0x8;
    static final long CKF_TOKEN_INITIALIZED = 0x400;

    // ---- specification: users, classes, key types, mechanisms
    static final long CKU_SO = 0;
    static final long CKU_USER = 1;
    static final long CKO_DATA = 0;
    static final long CKO_CERTIFICATE = 1;
    static final long CKO_PUBLIC_KEY = 2;
    static final long CKO_PRIVATE_KEY = 3;
    static final long CKO_SECRET_KEY = 4;
    static final long CKK_RSA = 0;
    static final long CKK_EC = 3;
    static final long CKK_AES = 0x1F;
    static final long CKM_AES_KEY_GEN = 0x1080;
    static final long CKM_AES_KEY_WRAP_PAD = 0x210A;
    static final long CKM_EC_KEY_PAIR_GEN = 0x1040;
    static final long CKM_ECDSA = 0x1041;
    static final long CKM_ECDSA_SHA256 = 0x1044;

    // ---- specification: attributes
    static final long CKA_CLASS = 0x0;
    static final long CKA_TOKEN = 0x1;
    static final long CKA_PRIVATE = 0x2;
    static final long CKA_LABEL = 0x3;
    static final long CKA_VALUE = 0x11;
    static final long CKA_KEY_TYPE = 0x100;
    static final long CKA_ID = 0x102;
    static final long CKA_SENSITIVE = 0x103;
    static final long CKA_ENCRYPT = 0x104;
    static final long CKA_DECRYPT = 0x105;
    static final long CKA_WRAP = 0x106;
    static final long CKA_UNWRAP = 0x107;
    static final long CKA_SIGN = 0x108;
    static final long CKA_VERIFY = 0x10A;
    static final long CKA_DERIVE = 0x10C;
    static final long CKA_VALUE_LEN = 0x161;
    static final long CKA_EXTRACTABLE = 0x162;
    static final long CKA_LOCAL = 0x163;
    static final long CKA_NEVER_EXTRACTABLE = 0x164;
    static final long CKA_ALWAYS_SENSITIVE = 0x165;
    static final long CKA_EC_PARAMS = 0x180;
    static final long CKA_EC_POINT = 0x181;

    /** CK_UNAVAILABLE_INFORMATION: ~0 as CK_ULONG. */
    static final long CK_UNAVAILABLE_INFORMATION = -1L;

    // ---- implementation: native layout on LP64 Linux (CK_ULONG = unsigned long = 8 bytes)
    /** CK_FUNCTION_LIST: CK_VERSION (2 bytes) padded to 8, then one pointer per function. */
    static final long FUNCTION_LIST_FIRST_OFFSET = 8;
    /** CK_ATTRIBUTE and CK_MECHANISM: {CK_ULONG, void*, CK_ULONG}. */
    static final long ATTRIBUTE_BYTES = 24;

    static final long MECHANISM_BYTES = 24;
    /** CK_TOKEN_INFO: 96 bytes of text, 11 CK_ULONGs, 2 CK_VERSIONs, utcTime[16], padded. */
    static final long TOKEN_INFO_BYTES = 208;

    static final long TOKEN_INFO_FLAGS_OFFSET = 96;
    /** CK_SLOT_INFO: description[64], manufacturerID[32], flags, 2 CK_VERSIONs, padded. */
    static final long SLOT_INFO_BYTES = 112;

    static final long SLOT_INFO_FLAGS_OFFSET = 96;
    /** CK_INFO: version, manufacturerID[32], flags (at 40), libraryDescription[32] (at 48), libraryVersion (at 80). */
    static final long INFO_BYTES = 88;
    /** CK_C_INITIALIZE_ARGS: four mutex callbacks, flags, pReserved. */
    static final long INITIALIZE_ARGS_BYTES = 48;

    static final long INITIALIZE_ARGS_FLAGS_OFFSET = 32;

    /** DER of the named curve prime256v1 / secp256r1 (OID 1.2.840.10045.3.1.7) for CKA_EC_PARAMS. */
    static final byte[] EC_PARAMS_P256 = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};

    private static final Map<Long, String> RV_NAMES = Map.ofEntries(
            Map.entry(CKR_OK, "CKR_OK"),
            Map.entry(CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID"),
            Map.entry(CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"),
            Map.entry(CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"),
            Map.entry(CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"),
            Map.entry(CKR_ATTRIBUTE_READ_ONLY, "CKR_ATTRIBUTE_READ_ONLY"),
            Map.entry(CKR_ATTRIBUTE_SENSITIVE, "CKR_ATTRIBUTE_SENSITIVE"),
            Map.entry(CKR_ATTRIBUTE_TYPE_INVALID, "CKR_ATTRIBUTE_TYPE_INVALID"),
            Map.entry(CKR_ATTRIBUTE_VALUE_INVALID, "CKR_ATTRIBUTE_VALUE_INVALID"),
            Map.entry(CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"),
            Map.entry(CKR_FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED"),
            Map.entry(CKR_KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID"),
            Map.entry(CKR_KEY_UNEXTRACTABLE, "CKR_KEY_UNEXTRACTABLE"),
            Map.entry(CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID"),
            Map.entry(CKR_OBJECT_HANDLE_INVALID, "CKR_OBJECT_HANDLE_INVALID"),
            Map.entry(CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT"),
            Map.entry(CKR_PIN_INVALID, "CKR_PIN_INVALID"),
            Map.entry(CKR_PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE"),
            Map.entry(CKR_PIN_LOCKED, "CKR_PIN_LOCKED"),
            Map.entry(CKR_SESSION_READ_ONLY, "CKR_SESSION_READ_ONLY"),
            Map.entry(CKR_TEMPLATE_INCOMPLETE, "CKR_TEMPLATE_INCOMPLETE"),
            Map.entry(CKR_TEMPLATE_INCONSISTENT, "CKR_TEMPLATE_INCONSISTENT"),
            Map.entry(CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"),
            Map.entry(CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED"),
            Map.entry(CKR_TOKEN_WRITE_PROTECTED, "CKR_TOKEN_WRITE_PROTECTED"),
            Map.entry(CKR_USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN"),
            Map.entry(CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"),
            Map.entry(CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED"),
            Map.entry(CKR_USER_TYPE_INVALID, "CKR_USER_TYPE_INVALID"),
            Map.entry(CKR_BUFFER_TOO_SMALL, "CKR_BUFFER_TOO_SMALL"),
            Map.entry(CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED"),
            Map.entry(CKR_CRYPTOKI_ALREADY_INITIALIZED, "CKR_CRYPTOKI_ALREADY_INITIALIZED"));

    /** The specification name of a return value, or its hex code. */
    static String rvName(long rv) {
        String n = RV_NAMES.get(rv);
        return n != null ? n : String.format("CKR 0x%X", rv);
    }
}
