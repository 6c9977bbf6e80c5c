package dev.psk.attest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.psk.attest.Swtpm;
import dev.psk.attest.eventlog.EventLogBuilder;
import dev.psk.attest.tpm.HashAlg;
import dev.psk.common.Hex;
import dev.psk.common.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Both directions against tpm2-tools 5.4 on a private swtpm: tpm2_quote's quotes checked by
 * psk-attest verify, psk-attest quote's checked by tpm2_checkquote, and every reject reason of the
 * issue with real TPM output.
 */
@Tag("tpm")
class TpmInteropTest {
    static final String NONCE = "5eed0123456789abcdef5eed01234567";
    static final String SEL = "sha256:0,1,2,3,4,5,6,7";
    static Swtpm tpm;
    static Path d;

    @BeforeAll
    static void setUp() throws Exception {
        tpm = Swtpm.start();
        d = tpm.dir();
        tpm.toolOk("tpm2_createek", "-c", "ek.ctx", "-G", "ecc", "-u", "ek.pub");
        tpm.toolOk(
                "tpm2_createak",
                "-C",
                "ek.ctx",
                "-c",
                "ak.ctx",
                "-G",
                "ecc",
                "-g",
                "sha256",
                "-s",
                "ecdsa",
                "-u",
                "ak.pem",
                "-f",
                "pem",
                "-n",
                "ak.name");
        tpm.toolOk(
                "tpm2_createak",
                "-C",
                "ek.ctx",
                "-c",
                "ak2.ctx",
                "-G",
                "ecc",
                "-g",
                "sha256",
                "-s",
                "ecdsa",
                "-u",
                "ak2.pem",
                "-f",
                "pem",
                "-n",
                "ak2.name");
        tpm.toolOk(
                "tpm2_createak",
                "-C",
                "ek.ctx",
                "-c",
                "akrsa.ctx",
                "-G",
                "rsa",
                "-g",
                "sha256",
                "-s",
                "rsassa",
                "-u",
                "akrsa.pem",
                "-f",
                "pem",
                "-n",
                "akrsa.name");
        tpm.toolOk(
                "tpm2_createak",
                "-C",
                "ek.ctx",
                "-c",
                "akpss.ctx",
                "-G",
                "rsa",
                "-g",
                "sha256",
                "-s",
                "rsapss",
                "-u",
                "akpss.pem",
                "-f",
                "pem",
                "-n",
                "akpss.name");
        tpm.toolOk("tpm2_pcrextend", "4:sha256=" + "ab".repeat(32));
    }

    @AfterAll
    static void tearDown() {
        if (tpm != null) {
            tpm.close();
        }
    }

    /** tpm2_quote into files named PREFIX.msg/.sig/.pcrs. */
    static void toolsQuote(String ctx, String prefix, String nonce, String sel, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "tpm2_quote",
                "-c",
                ctx,
                "-l",
                sel,
                "-q",
                nonce,
                "-g",
                "sha256",
                "-m",
                prefix + ".msg",
                "-s",
                prefix + ".sig",
                "-o",
                prefix + ".pcrs"));
        cmd.addAll(List.of(extra));
        tpm.toolOk(cmd.toArray(String[]::new));
    }

    static Cli.Run verify(String ak, String prefix, String nonce, String sel, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "verify",
                "--ak",
                d.resolve(ak).toString(),
                "--message",
                d.resolve(prefix + ".msg").toString(),
                "--signature",
                d.resolve(prefix + ".sig").toString(),
                "--nonce",
                nonce,
                "--pcrs",
                sel,
                "--pcr-values",
                d.resolve(prefix + ".pcrs").toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    static void assertAccept(Cli.Run r) {
        assertThat(r.out().strip()).as(r.err()).isEqualTo("ACCEPT");
        assertThat(r.exit()).isZero();
    }

    static void assertReject(Cli.Run r, String prefix) {
        assertThat(r.out().strip()).as(r.err()).startsWith("REJECT: " + prefix);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void toolsEccQuotesAcceptedInEveryFormat() throws Exception {
        toolsQuote("ak.ctx", "ecc-tss-values", NONCE, SEL, "-F", "values");
        assertAccept(verify("ak.pem", "ecc-tss-values", NONCE, SEL));
        toolsQuote("ak.ctx", "ecc-tss-serialized", NONCE, SEL);
        assertAccept(verify("ak.pem", "ecc-tss-serialized", NONCE, SEL));
        tpm.toolOk("tpm2_readpublic", "-c", "ak.ctx", "-o", "ak.tpm2b");
        assertAccept(verify("ak.tpm2b", "ecc-tss-values", NONCE, SEL));
        toolsQuote("ak.ctx", "ecc-plain", NONCE, SEL, "-f", "plain", "-F", "values");
        assertThat(Files.readAllBytes(d.resolve("ecc-plain.sig"))[0]).isEqualTo((byte) 0x30);
        assertAccept(verify("ak.pem", "ecc-plain", NONCE, SEL));
    }

    @Test
    void toolsRsaQuotesAccepted() throws Exception {
        toolsQuote("akrsa.ctx", "rsa-tss", NONCE, SEL, "-F", "values");
        assertAccept(verify("akrsa.pem", "rsa-tss", NONCE, SEL));
        toolsQuote("akrsa.ctx", "rsa-plain", NONCE, SEL, "-f", "plain", "-F", "values");
        assertThat(Files.size(d.resolve("rsa-plain.sig"))).isEqualTo(256);
        assertAccept(verify("akrsa.pem", "rsa-plain", NONCE, SEL));
    }

    @Test
    void toolsRsaPssQuotesAccepted() throws Exception {
        toolsQuote("akpss.ctx", "pss-tss", NONCE, SEL, "--scheme", "rsapss", "-F", "values");
        assertThat(Files.readAllBytes(d.resolve("pss-tss.sig"))[1]).isEqualTo((byte) 0x16);
        assertAccept(verify("akpss.pem", "pss-tss", NONCE, SEL));
        toolsQuote("akpss.ctx", "pss-plain", NONCE, SEL, "--scheme", "rsapss", "-f", "plain", "-F", "values");
        assertAccept(verify("akpss.pem", "pss-plain", NONCE, SEL, "--plain-rsa-scheme", "rsapss"));
        assertReject(verify("akpss.pem", "pss-plain", NONCE, SEL), "signature: does not verify");
    }

    @Test
    void ourQuotesAcceptedByTpm2CheckquoteAndByUs() throws Exception {
        for (String alg : List.of("ecc", "rsa")) {
            for (String fmt : List.of("tss", "plain")) {
                Path out = d.resolve("ours-" + alg + "-" + fmt);
                Cli.Run q = Cli.run(
                        "quote",
                        "--tpm",
                        tpm.address(),
                        "--nonce",
                        NONCE,
                        "--pcrs",
                        "sha256:0-7",
                        "--out",
                        out.toString(),
                        "--ak-alg",
                        alg,
                        "--signature-format",
                        fmt);
                assertThat(q.exit()).as(q.err()).isZero();
                Cli.Run v = Cli.run(
                        "verify",
                        "--ak",
                        out.resolve("ak.pub.pem").toString(),
                        "--message",
                        out.resolve("quote.msg").toString(),
                        "--signature",
                        out.resolve("quote.sig").toString(),
                        "--nonce",
                        NONCE,
                        "--pcrs",
                        SEL,
                        "--pcr-values",
                        out.resolve("pcrs.values").toString());
                assertAccept(v);
                Cli.Run pinnedArea = Cli.run(
                        "verify",
                        "--ak",
                        out.resolve("ak.tpm2b").toString(),
                        "--message",
                        out.resolve("quote.msg").toString(),
                        "--signature",
                        out.resolve("quote.sig").toString(),
                        "--nonce",
                        NONCE,
                        "--pcrs",
                        SEL,
                        "--pcr-values",
                        out.resolve("pcrs.values").toString());
                assertAccept(pinnedArea);
                // tpm2_checkquote reads TPMT signatures and plain ones (DER ECDSA, raw RSASSA).
                Processes.Result c = Processes.run(
                        "tpm2_checkquote",
                        "-u",
                        out.resolve("ak.pub.pem").toString(),
                        "-m",
                        out.resolve("quote.msg").toString(),
                        "-s",
                        out.resolve("quote.sig").toString(),
                        "-f",
                        out.resolve("pcrs.tpm2").toString(),
                        "-g",
                        "sha256",
                        "-q",
                        NONCE);
                assertThat(c.exitCode()).as(alg + "/" + fmt + ": " + c.stderr()).isZero();
                assertThat(tpm.transientObjects())
                        .as("transient objects left by psk-attest quote")
                        .isZero();
            }
        }
        // The primary AK is re-derived, not re-generated: the same key on every run.
        assertThat(Files.readString(d.resolve("ours-ecc-tss/ak.pub.pem")))
                .isEqualTo(Files.readString(d.resolve("ours-ecc-plain/ak.pub.pem")));
    }

    @Test
    void unrestrictedKeyAreaIsRefusedAsAk() throws Exception {
        tpm.toolOk(
                "tpm2_createprimary",
                "-C",
                "o",
                "-G",
                "ecc256:ecdsa-sha256:null",
                "-a",
                "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign",
                "-c",
                "plain-signer.ctx");
        tpm.toolOk("tpm2_readpublic", "-c", "plain-signer.ctx", "-o", "plain-signer.tpm2b");
        toolsQuote("ak.ctx", "unrestricted", NONCE, SEL, "-F", "values");
        Cli.Run r = verify("plain-signer.tpm2b", "unrestricted", NONCE, SEL);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("not those of an attestation key");
    }

    @Test
    void rejectsWrongNonce() throws Exception {
        toolsQuote("ak.ctx", "n1", NONCE, SEL, "-F", "values");
        assertReject(verify("ak.pem", "n1", "00" + NONCE.substring(2), SEL), "nonce:");
    }

    @Test
    void rejectsGenuineQuoteForAnotherNonce() throws Exception {
        toolsQuote("ak.ctx", "n2", "0badc0de", SEL, "-F", "values");
        assertReject(verify("ak.pem", "n2", NONCE, SEL), "nonce:");
    }

    @Test
    void rejectsChangedPcrValue() throws Exception {
        toolsQuote("ak.ctx", "pv", NONCE, SEL, "-F", "values");
        byte[] v = Files.readAllBytes(d.resolve("pv.pcrs"));
        v[0] ^= 1;
        Files.write(d.resolve("pv.pcrs"), v);
        assertReject(verify("ak.pem", "pv", NONCE, SEL), "pcr-digest:");
    }

    @Test
    void rejectsOneChangedMessageByte() throws Exception {
        toolsQuote("ak.ctx", "mb", NONCE, SEL, "-F", "values");
        byte[] m = Files.readAllBytes(d.resolve("mb.msg"));
        m[m.length - 1] ^= 0x40; // last byte of pcrDigest
        Files.write(d.resolve("mb.msg"), m);
        assertReject(verify("ak.pem", "mb", NONCE, SEL), "signature: does not verify");
    }

    @Test
    void rejectsSignatureByAnotherAk() throws Exception {
        toolsQuote("ak.ctx", "a1", NONCE, SEL, "-F", "values");
        toolsQuote("ak2.ctx", "a2", NONCE, SEL, "-F", "values");
        Files.copy(d.resolve("a2.sig"), d.resolve("a1.sig"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertReject(verify("ak.pem", "a1", NONCE, SEL), "signature: does not verify");
    }

    @Test
    void rejectsValidQuoteByUnpinnedAk() throws Exception {
        toolsQuote("ak2.ctx", "unpinned", NONCE, SEL, "-F", "values");
        assertAccept(verify("ak2.pem", "unpinned", NONCE, SEL));
        assertReject(verify("ak.pem", "unpinned", NONCE, SEL), "signature: does not verify");
    }

    @Test
    void rejectsEcdsaSignatureAgainstRsaAk() throws Exception {
        toolsQuote("ak.ctx", "ecdsa-vs-rsa", NONCE, SEL, "-F", "values");
        assertReject(
                verify("akrsa.pem", "ecdsa-vs-rsa", NONCE, SEL),
                "signature-scheme: ECDSA signature but the pinned AK is an RSA key");
    }

    @Test
    void rejectsFewerPcrsThanDemanded() throws Exception {
        toolsQuote("ak.ctx", "fewer", NONCE, "sha256:0,1,2,3,4,5,6", "-F", "values");
        assertReject(verify("ak.pem", "fewer", NONCE, SEL), "pcr-selection: quote covers sha256:0,1,2,3,4,5,6");
    }

    @Test
    void rejectsTimeAttestationThatTpm2CheckquoteAccepts() throws Exception {
        tpm.toolOk(
                "tpm2_gettime",
                "-c",
                "ak.ctx",
                "-q",
                NONCE,
                "-g",
                "sha256",
                "--attestation",
                "time.msg",
                "-o",
                "time.sig");
        toolsQuote("ak.ctx", "timevals", NONCE, SEL, "-F", "values"); // only for a values file
        Processes.Result c = Processes.run(
                "tpm2_checkquote",
                "-u",
                d.resolve("ak.pem").toString(),
                "-m",
                d.resolve("time.msg").toString(),
                "-s",
                d.resolve("time.sig").toString(),
                "-g",
                "sha256",
                "-q",
                NONCE);
        Cli.Run r = Cli.run(
                "verify",
                "--ak",
                d.resolve("ak.pem").toString(),
                "--message",
                d.resolve("time.msg").toString(),
                "--signature",
                d.resolve("time.sig").toString(),
                "--nonce",
                NONCE,
                "--pcrs",
                SEL,
                "--pcr-values",
                d.resolve("timevals.pcrs").toString(),
                "--json");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out())
                .contains("\"reason\":\"type: is TPM_ST_ATTEST_TIME (0x8019), expected TPM_ST_ATTEST_QUOTE (0x8018)\"")
                .contains("{\"check\":\"signature\",\"status\":\"pass\"");
        // Documented in docs/attestation.md: tpm2_checkquote 5.4 takes the TIME structure for a quote.
        assertThat(c.exitCode())
                .as("tpm2_checkquote on a TPM_ST_ATTEST_TIME: " + c.stderr())
                .isZero();
    }

    @Test
    void eventLogReplaysIntoTheTpmOrRejects() throws Exception {
        List<HashAlg> banks = List.of(HashAlg.SHA1, HashAlg.SHA256, HashAlg.SHA384);
        EventLogBuilder log = new EventLogBuilder(banks);
        String[][] events = {{"9", "shim"}, {"9", "grub"}, {"8", "kernel cmdline"}};
        for (String[] e : events) {
            log.event(Integer.parseInt(e[0]), 0x0d, e[1].getBytes());
            StringBuilder spec = new StringBuilder(e[0] + ":");
            for (HashAlg h : banks) {
                spec.append(h == banks.get(0) ? "" : ",")
                        .append(h.toolName())
                        .append('=')
                        .append(Hex.encode(h.hash(e[1].getBytes())));
            }
            tpm.toolOk("tpm2_pcrextend", spec.toString());
        }
        Files.write(d.resolve("good.log"), log.build());
        String sel = "sha1:8,9+sha256:8,9+sha384:8,9";
        toolsQuote("ak.ctx", "ev", NONCE, sel, "-F", "values");
        assertAccept(verify(
                "ak.pem", "ev", NONCE, sel, "--eventlog", d.resolve("good.log").toString()));
        EventLogBuilder bad = new EventLogBuilder(banks);
        bad.event(9, 0x0d, "shim".getBytes())
                .event(9, 0x0d, "evil grub".getBytes())
                .event(8, 0x0d, "kernel cmdline".getBytes());
        Files.write(d.resolve("bad.log"), bad.build());
        assertReject(
                verify(
                        "ak.pem",
                        "ev",
                        NONCE,
                        sel,
                        "--eventlog",
                        d.resolve("bad.log").toString()),
                "event-log: replay gives sha1:9");
        // Golden values straight from the log, then a policy check.
        Cli.Run p = Cli.run(
                "policy",
                "--eventlog",
                d.resolve("good.log").toString(),
                "--pcrs",
                "sha256:8,9",
                "--out",
                d.resolve("golden.json").toString());
        assertThat(p.exit()).as(p.err()).isZero();
        assertAccept(verify(
                "ak.pem", "ev", NONCE, sel, "--policy", d.resolve("golden.json").toString()));
    }

    @Test
    void pcrsAndPolicyFromTpmMatchTpm2Pcrread() throws Exception {
        tpm.toolOk("tpm2_pcrread", "sha256:0,4,7", "-o", "pcrread.bin");
        Path ours = d.resolve("ours-pcrs.bin");
        Cli.Run r = Cli.run("pcrs", "--tpm", tpm.address(), "--pcrs", "sha256:0,4,7", "--out", ours.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(ours)).isEqualTo(Files.readAllBytes(d.resolve("pcrread.bin")));
        assertThat(r.out()).contains("sha256:4 ");
        Cli.Run p = Cli.run(
                "policy",
                "--tpm",
                tpm.address(),
                "--pcrs",
                "sha256:0-7",
                "--out",
                d.resolve("p.json").toString());
        assertThat(p.exit()).as(p.err()).isZero();
        toolsQuote("ak.ctx", "pol", NONCE, SEL, "-F", "values");
        assertAccept(verify(
                "ak.pem", "pol", NONCE, SEL, "--policy", d.resolve("p.json").toString()));
        tpm.toolOk("tpm2_pcrextend", "7:sha256=" + "cd".repeat(32));
        toolsQuote("ak.ctx", "pol2", NONCE, SEL, "-F", "values");
        assertReject(
                verify(
                        "ak.pem",
                        "pol2",
                        NONCE,
                        SEL,
                        "--policy",
                        d.resolve("p.json").toString()),
                "policy: PCR sha256:7 differs");
    }

    @Test
    void pcrsJsonIsOneObjectOfBanksWithTheSameValues() throws Exception {
        Path raw = d.resolve("json-pcrs.bin");
        Cli.Run r = Cli.run("pcrs", "--tpm", tpm.address(), "--pcrs", "sha256:0,7", "--json", "--out", raw.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        tools.jackson.databind.JsonNode doc =
                tools.jackson.databind.json.JsonMapper.builder().build().readTree(r.out());
        assertThat(doc.isObject()).isTrue();
        assertThat(doc.propertyNames()).containsExactly("sha256");
        assertThat(doc.get("sha256").propertyNames()).containsExactly("0", "7");
        byte[] v = Files.readAllBytes(raw);
        assertThat(doc.get("sha256").get("7").asString())
                .isEqualTo(dev.psk.common.Hex.encode(v, 32, 32))
                .matches("[0-9a-f]{64}");
        assertThat(r.out().strip().lines()).hasSize(1);
    }
}
