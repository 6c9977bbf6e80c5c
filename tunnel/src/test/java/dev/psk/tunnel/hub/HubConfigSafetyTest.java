package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.AtomicFiles;
import dev.psk.tunnel.hub.HubFixtures.Client;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Configuration safety (issue #13 item 3, #17): a file others can change is refused at start and
 * on reload; a malformed file on reload keeps the old configuration and says where (line, member);
 * a duplicated member is refused; syntax errors are said in our words.
 */
class HubConfigSafetyTest extends HubHarness {
    @TempDir
    Path dir;

    /** The fixture configuration, one member per line, as an operator would write it. */
    String pretty(List<Client> clients) {
        return JsonMapper.builder()
                .build()
                .readTree(HubFixtures.serverJson(hubKeys, port == 0 ? 51820 : port, clients, Map.of()))
                .toPrettyString();
    }

    static int lineOf(String text, String needle) {
        String before = text.substring(0, text.indexOf(needle));
        return (int) before.chars().filter(c -> c == '\n').count() + 1;
    }

    @Test
    void aDuplicatedMemberIsRefusedNamingLineAndKey() {
        String json = pretty(List.of(alice, bob));
        int enabledLine = lineOf(json, "\"Enabled\"");
        String dup = json.replaceFirst("\"Enabled\" : true", "\"Enabled\" : true,\n    \"Enabled\" : false");
        assertThatThrownBy(() -> HubConfigParser.parseServer(dup, "hub.json"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("hub.json: line " + (enabledLine + 1))
                .hasMessageContaining("AllowedClients[0].Enabled")
                .hasMessageContaining("\"Enabled\" appears twice");
        String top = json.replaceFirst("\\{", "{\n  \"ListenPort\" : 1,");
        assertThatThrownBy(() -> HubConfigParser.parseServer(top, "hub.json"))
                .hasMessageContaining("\"ListenPort\" appears twice");
    }

    @Test
    void validationErrorsNameTheLine() {
        String json = pretty(List.of(alice, bob));
        String bad = json.replace("\"10.77.0.3/32\"", "\"10.77.0.3/33\"");
        assertThatThrownBy(() -> HubConfigParser.parseServer(bad, "hub.json"))
                .hasMessageContaining("line " + lineOf(json, "\"10.77.0.3/32\""))
                .hasMessageContaining("AllowedClients[1] (bob).AllowedIPs[0]");
        String typo = json.replaceFirst("\"Enabled\"", "\"Enabeld\"");
        assertThatThrownBy(() -> HubConfigParser.parseServer(typo, "hub.json"))
                .hasMessageContaining("line " + lineOf(json, "\"Enabled\""))
                .hasMessageContaining("Enabeld: unknown field");
    }

    @Test
    void syntaxErrorsAreSaidInOurWords() {
        String json = pretty(List.of(alice));
        String broken = json.replaceFirst(",\n", "\n");
        assertThatThrownBy(() -> HubConfigParser.parseServer(broken, "hub.json"))
                .hasMessageContaining("hub.json: line 3, column")
                .hasMessageContaining("not valid JSON")
                .hasMessageNotContaining("Source")
                .hasMessageNotContaining("REDACTED")
                .hasMessageNotContaining("code ")
                .hasMessageNotContaining(hubKeys.privB64().substring(0, 8));
        assertThatThrownBy(() -> HubConfigParser.parseServer(json.substring(0, json.length() / 2), "hub.json"))
                .hasMessageContaining("ends before the JSON value is complete");
    }

    @Test
    void aConfigWritableByGroupOrOthersIsRefused() throws Exception {
        Path file = dir.resolve("hub.json");
        Files.writeString(file, pretty(List.of(alice)));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        assertThatThrownBy(() -> HubConfigParser.readServer(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("writable by group or others");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r---w-"));
        assertThatThrownBy(() -> HubConfigParser.readServer(file)).hasMessageContaining("writable by group or others");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(HubConfigParser.readServer(file).clients()).hasSize(1);
    }

    @Test
    void aConfigOwnedByAnotherUserIsRefused() throws Exception {
        Assumptions.assumeTrue(ConfigFileSafety.processUid() == 0, "needs root to give a file away");
        Path file = dir.resolve("hub.json");
        Files.writeString(file, pretty(List.of(alice)));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.setAttribute(file, "unix:uid", 65534);
        assertThatThrownBy(() -> HubConfigParser.readServer(file))
                .hasMessageContaining("owned by uid 65534, not by the uid this process runs as (0)");
    }

    @Test
    void aReloadFromAWritableOrMalformedFileKeepsTheRunningConfiguration() throws Exception {
        startHub(List.of(alice, bob), HubServer.Options.defaults());
        Path file = dir.resolve("hub.json");
        AtomicFiles.write(file, pretty(List.of(alice, bob)).getBytes(), AtomicFiles.OWNER_ONLY);
        Running b = startClient(bob);
        await(() -> b.client().connected(), 5000);
        Client bobOff = new Client("bob", bob.keys(), bob.psk(), bob.address(), false);
        try (HubReloader r = new HubReloader(file, hub)) {
            r.start();
            // Someone with group write access disables bob: refused, bob stays.
            Path tmp = dir.resolve("hub.json.new");
            Files.writeString(tmp, pretty(List.of(alice, bobOff)));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-rw----"));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            await(() -> r.reloadsRefused() >= 1, 3000);
            assertThat(r.lastRefusal()).contains("writable by group or others");
            assertThat(hub.config().clients().get(1).enabled()).isTrue();
            // A malformed file: refused with its line and member, counted.
            String dup = pretty(List.of(alice, bobOff))
                    .replaceFirst("\"Mtu\"|\"ListenPort\"", "\"ListenPort\" : 1,\n  \"ListenPort\"");
            AtomicFiles.write(file, dup.getBytes(), AtomicFiles.OWNER_ONLY);
            await(() -> r.reloadsRefused() >= 2, 3000);
            assertThat(r.lastRefusal()).contains("line ").contains("\"ListenPort\" appears twice");
            assertThat(hub.config().clients().get(1).enabled()).isTrue();
            assertThat(b.client().connected()).isTrue();
        }
    }
}
