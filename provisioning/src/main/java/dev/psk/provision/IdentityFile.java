package dev.psk.provision;

import dev.psk.common.AtomicFiles;
import dev.psk.identity.IdentityException;
import dev.psk.identity.IdentityId;
import dev.psk.identity.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The device identity file {@code NAME.identity.json}: what was created, where, and with which
 * protection, for operators and for {@code psk-provision pin add --identity-file}. Holds no secret
 * (the key URI never carries a PIN).
 *
 * @param format always {@link #FORMAT}
 * @param keyUri RFC 7512 URI of the private key (module-path, token, object, id; pin-source at most)
 * @param attributes CKA_ name to "true" / "false" / "unavailable", as read back from the token
 * @param token label, serial, manufacturer, model of the token
 */
public record IdentityFile(
        String format,
        String label,
        String keyUri,
        IdentityId identityId,
        String algorithm,
        String profile,
        Map<String, String> attributes,
        Map<String, String> token,
        Instant created,
        ECPublicKey publicKey) {

    public static final String FORMAT = "psk-identity/1";
    public static final String ALGORITHM = "ECDSA P-256 SHA-256";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The JSON text, pretty-printed, with the public key as PEM. */
    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", format);
        n.put("label", label);
        n.put("key_uri", keyUri);
        n.put("identity_id", identityId.hex());
        n.put("algorithm", algorithm);
        n.put("profile", profile);
        ObjectNode a = n.putObject("attributes");
        attributes.forEach(a::put);
        ObjectNode t = n.putObject("token");
        token.forEach(t::put);
        n.put("created", created.toString());
        n.put("public_key_pem", Pem.encode(publicKey));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n";
    }

    /** Writes the file atomically; an existing file is refused. Mode 0644 (public information). */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, PosixFilePermissions.fromString("rw-r--r--"), false, ch -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(toJson().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
        });
    }

    /**
     * Reads and checks an identity file: the format tag, and that identity_id matches the public key.
     *
     * @throws ProvisionException naming the file and the field that is wrong
     */
    public static IdentityFile read(Path file) throws ProvisionException {
        JsonNode n;
        try {
            n = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new ProvisionException("identity file " + file + ": no such file");
        } catch (IOException e) {
            throw new ProvisionException(
                    "identity file " + file + ": cannot be read: " + dev.psk.common.IoErrors.reason(e));
        } catch (JacksonException e) {
            throw new ProvisionException("identity file " + file + ": not JSON (" + e.getOriginalMessage() + ")");
        }
        if (n == null || !n.isObject()) {
            throw new ProvisionException("identity file " + file + ": expected a JSON object");
        }
        String format = text(file, n, "format");
        if (!FORMAT.equals(format)) {
            throw new ProvisionException(
                    "identity file " + file + ": format \"" + format + "\", expected \"" + FORMAT + "\"");
        }
        try {
            ECPublicKey key = Pem.decode(text(file, n, "public_key_pem"));
            IdentityId id = IdentityId.parse(text(file, n, "identity_id"));
            if (!id.equals(IdentityId.of(key))) {
                throw new ProvisionException("identity file " + file + ": identity_id " + id
                        + " does not match public_key_pem (which gives " + IdentityId.of(key) + ")");
            }
            Map<String, String> attrs = new LinkedHashMap<>();
            JsonNode a = n.get("attributes");
            if (a != null && a.isObject()) {
                a.properties().forEach(e -> attrs.put(e.getKey(), e.getValue().asString()));
            }
            Map<String, String> token = new LinkedHashMap<>();
            JsonNode t = n.get("token");
            if (t != null && t.isObject()) {
                t.properties().forEach(e -> token.put(e.getKey(), e.getValue().asString()));
            }
            Instant created;
            try {
                created = Instant.parse(text(file, n, "created"));
            } catch (java.time.format.DateTimeParseException e) {
                throw new ProvisionException("identity file " + file + ": created is not an ISO-8601 instant");
            }
            return new IdentityFile(
                    format,
                    text(file, n, "label"),
                    text(file, n, "key_uri"),
                    id,
                    text(file, n, "algorithm"),
                    n.path("profile").asString("generic"),
                    attrs,
                    token,
                    created,
                    key);
        } catch (IdentityException e) {
            throw new ProvisionException("identity file " + file + ": " + e.getMessage());
        }
    }

    private static String text(Path file, JsonNode n, String field) throws ProvisionException {
        JsonNode v = n.get(field);
        if (v == null || !v.isString()) {
            throw new ProvisionException("identity file " + file + ": missing text field \"" + field + "\"");
        }
        return v.asString();
    }
}
