package dev.psk.provision;

import dev.psk.identity.IdentityException;
import dev.psk.identity.IdentityId;
import dev.psk.identity.Pem;
import dev.psk.identity.pkcs11.KeyAttributes;
import dev.psk.identity.pkcs11.Pkcs11Exception;
import dev.psk.identity.pkcs11.Pkcs11Token;
import dev.psk.identity.pkcs11.Pkcs11Uri;
import dev.psk.identity.pkcs11.Pkcs11UriException;
import dev.psk.identity.pkcs11.TokenInfo;
import dev.psk.identity.pkcs11.TokenKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Creates a device identity: a non-exportable EC P-256 key pair generated inside the token, its
 * protection attributes read back and enforced, and the public half exported as
 * {@code DIR/NAME.pub.pem} plus {@code DIR/NAME.identity.json}.
 *
 * <p>Fails closed: an existing label (or ATECC608A slot) or output file is refused before the token
 * is changed; a key the token reports as anything but sensitive, never-extractable, locally
 * generated and unextractable, or whose test signature does not verify with the public key the
 * token reports, is destroyed again and the run fails naming the reason.
 */
public final class IdentityProvisioner {
    /** CKA_ID length for keys outside the ATECC608A profile (random). */
    public static final int KEY_ID_BYTES = 8;

    private final Clock clock;

    public IdentityProvisioner(Clock clock) {
        this.clock = clock;
    }

    /** The request: where, what, and under which profile. */
    public record Request(
            Pkcs11Uri tokenUri,
            String label,
            Path outDir,
            KeyProfile profile,
            KeyType keyType,
            OptionalInt ateccSlot) {}

    /** The result: the identity file as written, and where the two files went. */
    public record Result(IdentityFile identity, Path publicKeyFile, Path identityFile) {}

    /**
     * Creates the identity on an open, logged-in token.
     *
     * @throws ProvisionException for a refused request (label taken, files exist, profile limits, weak attributes)
     * @throws Pkcs11Exception when the token fails
     */
    public Result create(Pkcs11Token token, Request req) throws ProvisionException, IdentityException {
        req.profile().checkKeyType(req.keyType());
        String label = req.label();
        byte[] id;
        if (req.profile() == KeyProfile.ATECC608A) {
            int slot = KeyProfile.chooseAteccSlot(token, req.ateccSlot());
            String fixed = KeyProfile.ateccLabel(slot);
            if (label != null && !label.equals(fixed)) {
                throw new ProvisionException("profile atecc608a: keys are named by slot; slot " + slot + " is '" + fixed
                        + "' (omit --label or pass --label " + fixed + ")");
            }
            label = fixed;
            id = new byte[] {(byte) slot};
        } else {
            if (req.ateccSlot().isPresent()) {
                throw new ProvisionException("--slot is only meaningful with --profile atecc608a");
            }
            if (label == null
                    || !dev.psk.identity.PinnedPeer.NAME.matcher(label).matches()) {
                throw new ProvisionException("label \"" + label + "\": expected 1-64 letters, digits, '.', '_' or '-'"
                        + " (it names the key on the token and the files written)");
            }
            id = new byte[KEY_ID_BYTES];
            new SecureRandom().nextBytes(id);
        }
        if (!token.loggedIn()) {
            throw new ProvisionException("creating a key on token "
                    + token.info().describe() + " needs the user PIN: give --pin-file or pin-source=file:… in the URI");
        }
        Path pem = req.outDir().resolve(label + ".pub.pem");
        Path json = req.outDir().resolve(label + ".identity.json");
        for (Path p : new Path[] {pem, json}) {
            if (Files.exists(p)) {
                throw new ProvisionException(p + " already exists; refusing to overwrite it");
            }
        }
        if (!Files.isDirectory(req.outDir())) {
            throw new ProvisionException("--out " + req.outDir() + ": not a directory");
        }
        if (token.labelExists(label)) {
            throw new ProvisionException("a key labelled '" + label + "' already exists on token "
                    + token.info().describe() + "; choose another label (identities are never replaced in place)");
        }

        TokenKey key = token.generateEcP256(label, id);
        KeyAttributes attrs;
        ECPublicKey pub;
        try {
            attrs = token.attributes(key);
            if (!attrs.hardwareBound()) {
                throw new ProvisionException("token " + token.info().describe() + " generated key '" + label
                        + "' with unsafe attributes " + attrs.violations()
                        + " (expected CKA_SENSITIVE, CKA_NEVER_EXTRACTABLE,"
                        + " CKA_ALWAYS_SENSITIVE, CKA_LOCAL, CKA_TOKEN, CKA_PRIVATE, CKA_SIGN true and CKA_EXTRACTABLE false);"
                        + " the key was destroyed");
            }
            pub = token.publicKey(key);
            selfTest(token, key, pub, label);
        } catch (ProvisionException | IdentityException | RuntimeException e) {
            try {
                token.destroy(key);
            } catch (Pkcs11Exception ignored) {
                // the original failure is what the operator needs to see
            }
            throw e;
        }

        IdentityFile file = new IdentityFile(
                IdentityFile.FORMAT,
                label,
                keyUri(token, req.tokenUri(), label, id),
                IdentityId.of(pub),
                IdentityFile.ALGORITHM,
                req.profile().toString(),
                attrs.asMap(),
                tokenMap(token.info()),
                clock.instant(),
                pub);
        try {
            dev.psk.common.AtomicFiles.write(pem, PosixFilePermissions.fromString("rw-r--r--"), false, ch -> {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Pem.encode(pub).getBytes(StandardCharsets.US_ASCII));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            });
            try {
                file.write(json);
            } catch (IOException e) {
                Files.deleteIfExists(pem);
                throw e;
            }
        } catch (IOException e) {
            throw new ProvisionException(
                    "key '" + label + "' was created on the token (identity_id " + file.identityId()
                            + ") but its files could not be written to " + req.outDir() + ": "
                            + dev.psk.common.IoErrors.reason(e),
                    e);
        }
        return new Result(file, pem, json);
    }

    /**
     * Signs a random challenge with the new key and verifies it with the exported public key, so a
     * token that returned the wrong public key (or a key that cannot sign) is caught before any
     * file names it.
     */
    private static void selfTest(Pkcs11Token token, TokenKey key, ECPublicKey pub, String label)
            throws ProvisionException, IdentityException {
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        byte[] digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256").digest(challenge);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] rs = token.signEcdsa(key, digest, challenge);
        if (!dev.psk.identity.Verifier.verify(pub, challenge, rs, dev.psk.identity.SignatureFormat.P1363)) {
            throw new ProvisionException("key '" + label + "': a test signature by the token does not verify with the"
                    + " public key it reports; the key was destroyed");
        }
    }

    /** The key's URI: token (label, serial), object, id, type=private, module-path, and pin-source if the token URI had one. */
    static String keyUri(Pkcs11Token token, Pkcs11Uri tokenUri, String label, byte[] id) throws ProvisionException {
        try {
            Pkcs11Uri.Builder b = Pkcs11Uri.builder().path("token", token.info().label());
            if (!token.info().serial().isEmpty()) {
                b.path("serial", token.info().serial());
            }
            b.path("object", label)
                    .id(id)
                    .path("type", "private")
                    .query("module-path", token.modulePath().toString());
            tokenUri.pinSource().ifPresent(p -> b.query("pin-source", p));
            return b.build().format();
        } catch (Pkcs11UriException e) {
            throw new ProvisionException("cannot express the key as a PKCS#11 URI: " + e.getMessage(), e);
        }
    }

    static Map<String, String> tokenMap(TokenInfo t) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("label", t.label());
        m.put("serial", t.serial());
        m.put("manufacturer", t.manufacturer());
        m.put("model", t.model());
        return m;
    }
}
