package dev.psk.attest.enrol;

import dev.psk.attest.TpmFormatException;
import dev.psk.attest.credential.Credential;
import dev.psk.attest.tpm.AkKeys;
import dev.psk.attest.tpm.TpmWriter;
import dev.psk.attest.tpm.TpmtPublic;
import dev.psk.common.Hex;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON files of the enrolment protocol (docs/attestation.md, "Enrolment"): request, challenge,
 * answer and the pinned AK record. Binary fields are base64 (TPM structures as TPM2B_PUBLIC, the
 * certificate as DER) or hex (Names, ids, digests). Parsing is strict: a file must be one JSON
 * object of the expected {@code "type"} and version 1, with exactly the known fields, each well
 * formed; anything else is a {@link TpmFormatException} naming the field.
 */
public final class EnrolmentCodec {
    /** No legitimate file comes near this (an EK certificate is about 1 KiB). */
    public static final int MAX_BYTES = 64 * 1024;

    private static final int VERSION = 1;

    /**
     * The JSON mapper, made on first use: building one loads several hundred Jackson classes, and
     * {@code psk-attest verify --ak FILE} with a PEM key only asks {@link #looksLikeJson}, so it
     * should not pay for them at start-up.
     */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder().build();
    }

    private EnrolmentCodec() {}

    // ---- request ----

    public static byte[] encodeRequest(EnrolmentRequest r) {
        ObjectNode o = header("enrolment-request");
        o.put("ekCertificate", b64(r.ekCertificate()));
        o.put("ekPublic", b64(tpm2b(r.ekPublic())));
        o.put("akPublic", b64(tpm2b(r.akPublic())));
        o.put("akName", Hex.encode(r.akName()));
        o.put("akAttributes", String.format("0x%08x", r.akPublic().attributes()));
        return bytes(o);
    }

    public static EnrolmentRequest decodeRequest(byte[] json) throws TpmFormatException {
        JsonNode o =
                object(json, "enrolment-request", "ekCertificate", "ekPublic", "akPublic", "akName", "akAttributes");
        TpmtPublic ak = tpmPublic(o, "akPublic");
        String attrs = text(o, "akAttributes");
        if (!attrs.equals(String.format("0x%08x", ak.attributes()))) {
            throw new TpmFormatException(
                    "enrolment-request: \"akAttributes\" " + attrs + " differ from those in \"akPublic\"");
        }
        return new EnrolmentRequest(base64(o, "ekCertificate"), tpmPublic(o, "ekPublic"), ak, hex(o, "akName"));
    }

    // ---- challenge ----

    public static byte[] encodeChallenge(EnrolmentChallenge c) {
        ObjectNode o = header("enrolment-challenge");
        o.put("id", c.id());
        o.put("credentialBlob", b64(c.credential().idObject()));
        o.put("secret", b64(c.credential().encryptedSecret()));
        return bytes(o);
    }

    public static EnrolmentChallenge decodeChallenge(byte[] json) throws TpmFormatException {
        JsonNode o = object(json, "enrolment-challenge", "id", "credentialBlob", "secret");
        return new EnrolmentChallenge(id(o), new Credential(base64(o, "credentialBlob"), base64(o, "secret")));
    }

    // ---- answer ----

    public static byte[] encodeAnswer(EnrolmentAnswer a) {
        ObjectNode o = header("enrolment-answer");
        o.put("id", a.id());
        o.put("proof", b64(a.proof()));
        return bytes(o);
    }

    public static EnrolmentAnswer decodeAnswer(byte[] json) throws TpmFormatException {
        JsonNode o = object(json, "enrolment-answer", "id", "proof");
        return new EnrolmentAnswer(id(o), base64(o, "proof"));
    }

    // ---- pinned AK record ----

    public static byte[] encodeRecord(AkRecord r) {
        ObjectNode o = header("pinned-ak");
        o.put("akPublic", b64(tpm2b(r.akPublic())));
        o.put("akName", Hex.encode(r.akPublic().name()));
        o.put("ekCertificateSha256", Hex.encode(r.ekCertificateSha256()));
        o.put("ekIssuer", r.ekIssuer());
        o.put("ekSerial", r.ekSerial());
        o.put("ekName", Hex.encode(r.ekName()));
        o.put("tpmManufacturer", r.tpmManufacturer());
        o.put("tpmModel", r.tpmModel());
        o.put("tpmVersion", r.tpmVersion());
        o.put("enrolledAt", r.enrolledAt().toString());
        return bytes(o);
    }

    public static AkRecord decodeRecord(byte[] json) throws TpmFormatException {
        JsonNode o = object(
                json,
                "pinned-ak",
                "akPublic",
                "akName",
                "ekCertificateSha256",
                "ekIssuer",
                "ekSerial",
                "ekName",
                "tpmManufacturer",
                "tpmModel",
                "tpmVersion",
                "enrolledAt");
        TpmtPublic ak = tpmPublic(o, "akPublic");
        if (!Hex.encode(ak.name()).equals(text(o, "akName"))) {
            throw new TpmFormatException("pinned-ak: \"akName\" is not the Name of \"akPublic\"");
        }
        Instant at;
        try {
            at = Instant.parse(text(o, "enrolledAt"));
        } catch (DateTimeParseException e) {
            throw new TpmFormatException("pinned-ak: \"enrolledAt\" is not an ISO-8601 instant");
        }
        return new AkRecord(
                ak,
                hex(o, "ekCertificateSha256"),
                text(o, "ekIssuer"),
                text(o, "ekSerial"),
                hex(o, "ekName"),
                text(o, "tpmManufacturer"),
                text(o, "tpmModel"),
                text(o, "tpmVersion"),
                at);
    }

    // ---- pending challenge (verifier state) ----

    static byte[] encodePending(ChallengeStore.Pending p) {
        ObjectNode o = header("pending-enrolment");
        o.put("id", p.id());
        o.put("expires", p.expires().toString());
        o.put("proofSha256", Hex.encode(p.proofSha256()));
        o.put("request", b64(encodeRequest(p.request())));
        return bytes(o);
    }

    static ChallengeStore.Pending decodePending(byte[] json) throws TpmFormatException {
        JsonNode o = object(json, "pending-enrolment", "id", "expires", "proofSha256", "request");
        Instant expires;
        try {
            expires = Instant.parse(text(o, "expires"));
        } catch (DateTimeParseException e) {
            throw new TpmFormatException("pending-enrolment: \"expires\" is not an ISO-8601 instant");
        }
        return new ChallengeStore.Pending(id(o), expires, hex(o, "proofSha256"), decodeRequest(base64(o, "request")));
    }

    /** True when {@code bytes} look like a JSON object (the pinned-AK record among the AK formats). */
    public static boolean looksLikeJson(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return false;
    }

    // ---- helpers ----

    private static ObjectNode header(String type) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("type", type);
        o.put("version", VERSION);
        return o;
    }

    private static byte[] bytes(ObjectNode o) {
        return (Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode object(byte[] json, String type, String... fields) throws TpmFormatException {
        if (json.length > MAX_BYTES) {
            throw new TpmFormatException(type + ": larger than " + MAX_BYTES + " bytes");
        }
        JsonNode o;
        try {
            o = Json.MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new TpmFormatException(type + ": not JSON (" + e.getOriginalMessage() + ")");
        }
        if (o == null || !o.isObject()) {
            throw new TpmFormatException(type + ": not a JSON object");
        }
        if (!type.equals(o.path("type").asString(""))) {
            throw new TpmFormatException(type + ": \"type\" is not \"" + type + "\"");
        }
        JsonNode v = o.get("version");
        if (v == null || !v.isInt() || v.intValue() != VERSION) {
            throw new TpmFormatException(type + ": \"version\" must be " + VERSION);
        }
        Set<String> known = new java.util.HashSet<>(Set.of(fields));
        known.add("type");
        known.add("version");
        for (String f : o.propertyNames()) {
            if (!known.remove(f)) {
                throw new TpmFormatException(type + ": unknown field \"" + f + "\"");
            }
        }
        if (!known.isEmpty()) {
            throw new TpmFormatException(type + ": missing field(s) " + known);
        }
        return o;
    }

    private static String text(JsonNode o, String field) throws TpmFormatException {
        JsonNode v = o.get(field);
        if (v == null || !v.isString()) {
            throw new TpmFormatException("\"" + field + "\" must be a string");
        }
        return v.asString();
    }

    private static byte[] base64(JsonNode o, String field) throws TpmFormatException {
        try {
            return Base64.getDecoder().decode(text(o, field));
        } catch (IllegalArgumentException e) {
            throw new TpmFormatException("\"" + field + "\" is not base64 (" + e.getMessage() + ")");
        }
    }

    private static byte[] hex(JsonNode o, String field) throws TpmFormatException {
        try {
            return Hex.decode(text(o, field), field);
        } catch (IllegalArgumentException e) {
            throw new TpmFormatException("\"" + field + "\" is not hex (" + e.getMessage() + ")");
        }
    }

    private static String id(JsonNode o) throws TpmFormatException {
        String id = text(o, "id");
        if (!id.matches("[0-9a-f]{32}")) {
            throw new TpmFormatException("\"id\" must be 32 lower-case hex digits");
        }
        return id;
    }

    private static TpmtPublic tpmPublic(JsonNode o, String field) throws TpmFormatException {
        byte[] b = base64(o, field);
        try {
            return AkKeys.tpmPublic(b);
        } catch (TpmFormatException e) {
            throw new TpmFormatException("\"" + field + "\": " + e.getMessage());
        }
    }

    static byte[] tpm2b(TpmtPublic p) {
        return new TpmWriter().tpm2b(p.raw()).toByteArray();
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
