package dev.psk.identity.pkcs11;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.psk.common.Hex;
import dev.psk.identity.EcP256;
import dev.psk.identity.IdentityException;
import dev.psk.identity.pkcs11.Cryptoki.Fn;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An open session on one PKCS#11 token, reached through the module's C API directly (FFM), not
 * SunPKCS11: label lookup ({@code object=}), attribute read-back and C_Finalize all need it.
 *
 * <p>Lifecycle: {@link #open} loads and initializes the module (shared per process and module
 * path), selects the token the URI names, opens a read/write session and logs in when a PIN is
 * available. {@link #close} closes the session and, when this was the module's last user in the
 * process, calls C_Finalize: on tpm2-pkcs11 that flushes the TPM sessions and objects the module
 * holds, so repeated runs do not exhaust the TPM. Always close (try-with-resources).
 *
 * <p>Thread-safety: all methods are synchronized on the token; concurrent users of one token are
 * serialized. Several {@code Pkcs11Token}s on one module may be open at once.
 *
 * <p>Environment: modules read their configuration (SOFTHSM2_CONF, TPM2_PKCS11_TCTI …) from the
 * process environment at C_Initialize, i.e. on the first open after the last close.
 */
public final class Pkcs11Token implements AutoCloseable {
    /** Largest C_GenerateRandom request; bigger requests are split. */
    static final int RANDOM_CHUNK_BYTES = 4096;

    private final Cryptoki ck;
    private final TokenInfo info;
    private final long session;
    private final TokenObjects objects;
    private final boolean loggedIn;
    private boolean closed;

    private Pkcs11Token(Cryptoki ck, TokenInfo info, long session, boolean loggedIn) {
        this.ck = ck;
        this.info = info;
        this.session = session;
        this.objects = new TokenObjects(ck, session);
        this.loggedIn = loggedIn;
    }

    /**
     * Refuses a URI with a path attribute this consumer cannot match (RFC 7512 section 2.3: such a
     * URI selects nothing). Usually a typo, so the nearest standard name is suggested. Callers that
     * take the URI as an argument check it before opening anything.
     *
     * @throws Pkcs11Exception naming the attribute and, for a near miss, the standard one meant
     */
    public static void requireStandardAttributes(Pkcs11Uri uri) throws Pkcs11Exception {
        if (uri.vendorPathAttributes().isEmpty()) {
            return;
        }
        String name = uri.vendorPathAttributes().keySet().iterator().next();
        String near = nearestStandard(name);
        throw new Pkcs11Exception("URI attribute \"" + name + "\" is not a standard PKCS#11 URI attribute"
                + (near == null ? "" : " (did you mean \"" + near + "\"?)")
                + ": a URI with attributes the consumer cannot match selects nothing (RFC 7512 section 2.3)");
    }

    /** The standard path attribute at edit distance 1 or 2 from {@code name}, if exactly one is nearest. */
    private static String nearestStandard(String name) {
        String best = null;
        int bestDistance = 3;
        for (String std : new java.util.TreeSet<>(Pkcs11Uri.PATH_ATTRIBUTES)) {
            int d = editDistance(name, std);
            if (d < bestDistance) {
                best = std;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * Opens the token a URI names and logs in.
     *
     * <p>The module comes from {@code module-path} or {@code module-name}; the token from the path
     * attributes (exactly one initialized token must match). The PIN comes from the URI's
     * {@code pin-source} or {@code pin-value} when present, otherwise from {@code pins};
     * {@link PinSource#none()} opens a public session (RNG and public objects only).
     *
     * @throws Pkcs11Exception.ModuleException module missing or not loadable
     * @throws Pkcs11Exception.TokenNotFoundException no (or several) matching tokens; lists those present
     * @throws Pkcs11Exception.PinException PIN unreadable, incorrect or locked
     * @throws Pkcs11Exception any other PKCS#11 failure
     */
    public static Pkcs11Token open(Pkcs11Uri uri, PinSource pins) throws Pkcs11Exception {
        requireStandardAttributes(uri);
        PinSource effective = PinSource.fromUri(uri).orElse(pins == null ? PinSource.none() : pins);
        Cryptoki ck = Cryptoki.acquire(ModuleLocator.locate(uri));
        long session = 0;
        boolean ok = false;
        try {
            TokenInfo token = TokenSlots.select(ck, uri).token();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment ph = a.allocate(JAVA_LONG);
                ck.check(
                        Fn.C_OpenSession,
                        token.slotId(),
                        Ck.CKF_SERIAL_SESSION | Ck.CKF_RW_SESSION,
                        MemorySegment.NULL,
                        MemorySegment.NULL,
                        ph);
                session = ph.get(JAVA_LONG, 0);
            }
            boolean loggedIn = login(ck, session, token, effective);
            ok = true;
            return new Pkcs11Token(ck, token, session, loggedIn);
        } finally {
            if (!ok) {
                if (session != 0) {
                    ck.call(Fn.C_CloseSession, session);
                }
                ck.release();
            }
        }
    }

    /**
     * Every token present in the slots of the module a URI names, initialized or not (see
     * {@link TokenInfo#initialized()}); the URI's path attributes are ignored. For listings.
     */
    public static List<TokenInfo> tokens(Pkcs11Uri moduleUri) throws Pkcs11Exception {
        Cryptoki ck = Cryptoki.acquire(ModuleLocator.locate(moduleUri));
        try {
            List<TokenInfo> out = new ArrayList<>();
            for (TokenSlots.Slot s : TokenSlots.list(ck)) {
                out.add(s.token());
            }
            return out;
        } finally {
            ck.release();
        }
    }

    private static boolean login(Cryptoki ck, long session, TokenInfo token, PinSource pins) throws Pkcs11Exception {
        char[] pin = pins.pin(token.describe());
        if (pin == null) {
            return false;
        }
        byte[] utf8 = null;
        try (Arena a = Arena.ofConfined()) {
            utf8 = utf8(pin);
            MemorySegment p = a.allocate(Math.max(1, utf8.length));
            MemorySegment.copy(utf8, 0, p, JAVA_BYTE, 0, utf8.length);
            long rv = ck.call(Fn.C_Login, session, Ck.CKU_USER, p, (long) utf8.length);
            p.fill((byte) 0);
            if (rv == Ck.CKR_OK || rv == Ck.CKR_USER_ALREADY_LOGGED_IN) {
                return true;
            }
            if (rv == Ck.CKR_PIN_INCORRECT || rv == Ck.CKR_PIN_LEN_RANGE || rv == Ck.CKR_PIN_INVALID) {
                throw new Pkcs11Exception.PinException(
                        "PIN refused by token " + token.describe() + ": " + Ck.rvName(rv), rv);
            }
            if (rv == Ck.CKR_PIN_LOCKED) {
                throw new Pkcs11Exception.PinException(
                        "token " + token.describe()
                                + " has locked its user PIN (too many wrong PINs): CKR_PIN_LOCKED; the SO must reset it",
                        rv);
            }
            if (rv == Ck.CKR_USER_PIN_NOT_INITIALIZED) {
                throw new Pkcs11Exception.PinException(
                        "token " + token.describe() + " has no user PIN yet: CKR_USER_PIN_NOT_INITIALIZED", rv);
            }
            throw Cryptoki.failure(Fn.C_Login, rv);
        } finally {
            Arrays.fill(pin, '\0');
            if (utf8 != null) {
                Arrays.fill(utf8, (byte) 0);
            }
        }
    }

    static byte[] utf8(char[] chars) {
        ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] out = new byte[bb.remaining()];
        bb.get(out);
        if (bb.hasArray()) {
            Arrays.fill(bb.array(), (byte) 0);
        }
        return out;
    }

    /** The token this session is on. */
    public TokenInfo info() {
        return info;
    }

    /** The module file in use. */
    public Path modulePath() {
        return ck.path();
    }

    /** True when the session logged in as the user. */
    public boolean loggedIn() {
        return loggedIn;
    }

    /**
     * The token's RNG (C_GenerateRandom) as a {@link SecureRandom}. Usable until {@link #close};
     * {@code setSeed} is ignored (the token reseeds itself). Works on a public session.
     */
    public SecureRandom random() {
        return new TokenRandom(this);
    }

    /** Fills {@code out} from the token's RNG, in chunks of at most 4096 bytes. */
    public synchronized void generateRandom(byte[] out) throws Pkcs11Exception {
        ensureOpen();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(Math.min(RANDOM_CHUNK_BYTES, Math.max(1, out.length)));
            for (int off = 0; off < out.length; off += RANDOM_CHUNK_BYTES) {
                int n = Math.min(RANDOM_CHUNK_BYTES, out.length - off);
                ck.check(Fn.C_GenerateRandom, session, buf, (long) n);
                MemorySegment.copy(buf, JAVA_BYTE, 0, out, off, n);
            }
            buf.fill((byte) 0);
        }
    }

    /** Every private key on the token visible to this session (login needed for CKA_PRIVATE ones). */
    public synchronized List<TokenKey> privateKeys() throws Pkcs11Exception {
        ensureOpen();
        List<TokenKey> out = new ArrayList<>();
        for (long h : objects.find(new Template().ulong(Ck.CKA_CLASS, Ck.CKO_PRIVATE_KEY))) {
            out.add(objects.describeKey(h));
        }
        return out;
    }

    /**
     * The private key a URI selects by {@code object=} (CKA_LABEL) and/or {@code id=} (CKA_ID).
     * {@code type}, when present, must be {@code private} or {@code public} (the key pair is meant).
     *
     * @throws Pkcs11Exception.KeyNotFoundException none or several match (the message lists the keys present)
     */
    public synchronized TokenKey findKey(Pkcs11Uri uri) throws Pkcs11Exception {
        ensureOpen();
        Optional<String> type = uri.type();
        if (type.isPresent() && !type.get().equals("private") && !type.get().equals("public")) {
            throw new Pkcs11Exception.KeyNotFoundException(
                    "URI type=" + type.get() + ": expected type=private (a signing key) or no type");
        }
        if (uri.object().isEmpty() && uri.id().isEmpty()) {
            throw new Pkcs11Exception.KeyNotFoundException("the URI names no key: add object=LABEL or id=%XX…");
        }
        Template t = new Template().ulong(Ck.CKA_CLASS, Ck.CKO_PRIVATE_KEY);
        uri.object().ifPresent(l -> t.text(Ck.CKA_LABEL, l));
        uri.id().ifPresent(id -> t.bytes(Ck.CKA_ID, id));
        List<Long> handles = objects.find(t);
        String what = (uri.object().map(o -> "object=" + o).orElse("")
                        + uri.id().map(id -> " id=" + Hex.encode(id)).orElse(""))
                .strip();
        if (handles.size() == 1) {
            return objects.describeKey(handles.get(0));
        }
        List<String> present = new ArrayList<>();
        for (long h : objects.find(new Template().ulong(Ck.CKA_CLASS, Ck.CKO_PRIVATE_KEY))) {
            TokenKey k = objects.describeKey(h);
            present.add("'" + k.label() + "' (id " + Hex.encode(k.id()) + ")");
        }
        String list =
                present.isEmpty() ? "none" + (loggedIn ? "" : " visible without login") : String.join(", ", present);
        throw new Pkcs11Exception.KeyNotFoundException(
                (handles.isEmpty() ? "no private key" : handles.size() + " private keys") + " with " + what
                        + " on token " + info.describe() + "; keys present: " + list);
    }

    /** True when a private or public key with this CKA_LABEL exists. */
    public synchronized boolean labelExists(String label) throws Pkcs11Exception {
        ensureOpen();
        return !objects.find(new Template().text(Ck.CKA_LABEL, label)).isEmpty();
    }

    /**
     * Generates an EC P-256 key pair on the token: the private key with CKA_TOKEN, CKA_PRIVATE,
     * CKA_SENSITIVE, CKA_SIGN true and CKA_EXTRACTABLE, CKA_DERIVE, CKA_DECRYPT, CKA_UNWRAP false;
     * the public key as a token object (CKA_WRAP false) with the same CKA_LABEL and CKA_ID.
     * CKA_VERIFY and CKA_ENCRYPT of the public key are left to the token: tpm2-pkcs11 derives them
     * from the TPM object and refuses a template that states them. Does not check the result: callers
     * read {@link #attributes} back (the token is the authority on what it did).
     *
     * @throws Pkcs11Exception when not logged in, or the token refuses the template
     */
    public synchronized TokenKey generateEcP256(String label, byte[] id) throws Pkcs11Exception {
        ensureOpen();
        Template pub = new Template()
                .ulong(Ck.CKA_CLASS, Ck.CKO_PUBLIC_KEY)
                .ulong(Ck.CKA_KEY_TYPE, Ck.CKK_EC)
                .bool(Ck.CKA_TOKEN, true)
                .bool(Ck.CKA_PRIVATE, false)
                .bool(Ck.CKA_WRAP, false)
                .bytes(Ck.CKA_EC_PARAMS, Ck.EC_PARAMS_P256)
                .text(Ck.CKA_LABEL, label)
                .bytes(Ck.CKA_ID, id);
        Template priv = new Template()
                .ulong(Ck.CKA_CLASS, Ck.CKO_PRIVATE_KEY)
                .ulong(Ck.CKA_KEY_TYPE, Ck.CKK_EC)
                .bool(Ck.CKA_TOKEN, true)
                .bool(Ck.CKA_PRIVATE, true)
                .bool(Ck.CKA_SENSITIVE, true)
                .bool(Ck.CKA_EXTRACTABLE, false)
                .bool(Ck.CKA_SIGN, true)
                .bool(Ck.CKA_DERIVE, false)
                .bool(Ck.CKA_DECRYPT, false)
                .bool(Ck.CKA_UNWRAP, false)
                .text(Ck.CKA_LABEL, label)
                .bytes(Ck.CKA_ID, id);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mech = a.allocate(Ck.MECHANISM_BYTES, 8);
            mech.set(JAVA_LONG, 0, Ck.CKM_EC_KEY_PAIR_GEN);
            MemorySegment hPub = a.allocate(JAVA_LONG);
            MemorySegment hPriv = a.allocate(JAVA_LONG);
            long rv = ck.call(
                    Fn.C_GenerateKeyPair,
                    session,
                    mech,
                    pub.allocate(a),
                    (long) pub.size(),
                    priv.allocate(a),
                    (long) priv.size(),
                    hPub,
                    hPriv);
            if (rv == Ck.CKR_USER_NOT_LOGGED_IN) {
                throw new Pkcs11Exception(
                        "generating a key on token " + info.describe() + " needs a login (give a PIN)", rv);
            }
            if (rv != Ck.CKR_OK) {
                throw new Pkcs11Exception(
                        "token " + info.describe() + " refused to generate an EC P-256 key pair: " + Ck.rvName(rv), rv);
            }
            return new TokenKey(hPriv.get(JAVA_LONG, 0), hPub.get(JAVA_LONG, 0), label, id, Ck.CKK_EC);
        }
    }

    /**
     * Destroys a key pair's objects (the private key, and the public key when there is one). Used
     * to roll back a key the token generated with the wrong protection attributes.
     */
    public synchronized void destroy(TokenKey key) throws Pkcs11Exception {
        ensureOpen();
        ck.check(Fn.C_DestroyObject, session, key.privateHandle());
        if (key.publicHandle() != 0) {
            ck.check(Fn.C_DestroyObject, session, key.publicHandle());
        }
    }

    /** True when a private key with this CKA_ID exists. */
    public synchronized boolean idExists(byte[] id) throws Pkcs11Exception {
        ensureOpen();
        return !objects.find(
                        new Template().ulong(Ck.CKA_CLASS, Ck.CKO_PRIVATE_KEY).bytes(Ck.CKA_ID, id))
                .isEmpty();
    }

    /** The protection attributes of a private key, as the token reports them. */
    public synchronized KeyAttributes attributes(TokenKey key) throws Pkcs11Exception {
        ensureOpen();
        long h = key.privateHandle();
        TokenObjects o = objects;
        return new KeyAttributes(
                o.bool(h, Ck.CKA_TOKEN),
                o.bool(h, Ck.CKA_PRIVATE),
                o.bool(h, Ck.CKA_SENSITIVE),
                o.bool(h, Ck.CKA_EXTRACTABLE),
                o.bool(h, Ck.CKA_NEVER_EXTRACTABLE),
                o.bool(h, Ck.CKA_ALWAYS_SENSITIVE),
                o.bool(h, Ck.CKA_LOCAL),
                o.bool(h, Ck.CKA_SIGN));
    }

    /**
     * The public key of an EC P-256 key pair: CKA_EC_POINT of the public key object, or of the
     * private key when the token keeps it there (tpm2-pkcs11 does).
     *
     * @throws IdentityException when the token has no point for the key or it is not on P-256
     */
    public synchronized ECPublicKey publicKey(TokenKey key) throws IdentityException {
        ensureOpen();
        byte[] point = null;
        if (key.publicHandle() != 0) {
            point = objects.attribute(key.publicHandle(), Ck.CKA_EC_POINT);
        }
        if (point == null) {
            point = objects.attribute(key.privateHandle(), Ck.CKA_EC_POINT);
        }
        if (point == null) {
            throw new IdentityException(
                    "key " + key + " on token " + info.describe() + ": no public key (CKA_EC_POINT)");
        }
        return EcP256.publicKeyFromPoint(TokenObjects.unwrapOctetString(point));
    }

    /**
     * Signs a SHA-256 digest with CKM_ECDSA (the token sees only the digest, as a TPM or ATECC608A
     * does), returning r ‖ s (64 bytes). Falls back to CKM_ECDSA_SHA256 over {@code message} when
     * the token lacks raw CKM_ECDSA.
     */
    public synchronized byte[] signEcdsa(TokenKey key, byte[] digest, byte[] message) throws Pkcs11Exception {
        ensureOpen();
        try {
            return sign(key, Ck.CKM_ECDSA, digest);
        } catch (Pkcs11Exception e) {
            if (e.returnValue() != Ck.CKR_MECHANISM_INVALID) {
                throw e;
            }
            return sign(key, Ck.CKM_ECDSA_SHA256, message);
        }
    }

    private byte[] sign(TokenKey key, long mechanism, byte[] data) throws Pkcs11Exception {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mech = a.allocate(Ck.MECHANISM_BYTES, 8);
            mech.set(JAVA_LONG, 0, mechanism);
            long rv = ck.call(Fn.C_SignInit, session, mech, key.privateHandle());
            if (rv == Ck.CKR_USER_NOT_LOGGED_IN) {
                throw new Pkcs11Exception("signing with " + key + " needs a login (give a PIN)", rv);
            }
            if (rv != Ck.CKR_OK) {
                throw Cryptoki.failure(Fn.C_SignInit, rv);
            }
            MemorySegment in = a.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, in, JAVA_BYTE, 0, data.length);
            MemorySegment out = a.allocate(256);
            MemorySegment outLen = a.allocate(JAVA_LONG);
            outLen.set(JAVA_LONG, 0, 256L);
            ck.check(Fn.C_Sign, session, in, (long) data.length, out, outLen);
            int n = (int) outLen.get(JAVA_LONG, 0);
            byte[] sig = new byte[n];
            MemorySegment.copy(out, JAVA_BYTE, 0, sig, 0, n);
            return sig;
        }
    }

    /** Closes the session; the module's last user also calls C_Finalize. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ck.call(Fn.C_CloseSession, session);
        ck.release();
    }

    /** Raw object access on this session (package-private: export-attempt tests). */
    TokenObjects objects() {
        return objects;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("token " + info.describe() + " is closed");
        }
    }
}
