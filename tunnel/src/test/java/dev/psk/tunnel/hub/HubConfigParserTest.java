package dev.psk.tunnel.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.tunnel.hub.HubFixtures.Client;
import dev.psk.tunnel.hub.HubFixtures.Keys;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Configuration hygiene (checklist A3, B4, D1-D3): every refusal names the field and the client, never a secret. */
class HubConfigParserTest {
    final Keys hub = Keys.generate();
    final Client alice = new Client("alice", Keys.generate(), HubFixtures.psk(), "10.77.0.2", true);
    final Client bob = new Client("bob", Keys.generate(), HubFixtures.psk(), "10.77.0.3", true);

    String server() {
        return HubFixtures.serverJson(hub, 51820, List.of(alice, bob), Map.of());
    }

    ConfigException serverError(String json) {
        try {
            HubConfigParser.parseServer(json, "hub.json");
        } catch (ConfigException e) {
            assertNoSecrets(e.getMessage());
            return e;
        }
        throw new AssertionError("accepted: " + json);
    }

    void assertNoSecrets(String msg) {
        for (byte[] secret :
                List.of(hub.priv(), alice.psk(), bob.psk(), alice.keys().priv())) {
            assertThat(msg).doesNotContain(HubFixtures.b64(secret)).doesNotContain(dev.psk.common.Hex.encode(secret));
        }
    }

    @Test
    void aValidServerConfigParses() throws Exception {
        HubConfig c = HubConfigParser.parseServer(server(), "hub.json");
        assertThat(c.publicKey()).isEqualTo(hub.pub());
        assertThat(c.clients()).extracting(AllowedClient::name).containsExactly("alice", "bob");
        assertThat(c.clients().getFirst().allowedIps()).containsExactly(Cidr.parse("10.77.0.2/32"));
        assertThat(c.listenPort()).isEqualTo(51820);
        assertThat(c.mtu()).isEqualTo(HubWire.DEFAULT_MTU);
        assertThat(c.metricsPort()).isZero();
        assertThat(c.toString() + c.clients())
                .doesNotContain(HubFixtures.b64(alice.psk()))
                .doesNotContain(hub.privB64());
    }

    @Test
    void aValidClientConfigParses() throws Exception {
        ClientConfig c = HubConfigParser.parseClient(HubFixtures.clientJson(alice, hub, 51820), "alice.json");
        assertThat(c.publicKey()).isEqualTo(alice.keys().pub());
        assertThat(c.psk()).isEqualTo(alice.psk());
        assertThat(c.serverHost()).isEqualTo("127.0.0.1");
        assertThat(c.toString()).doesNotContain(HubFixtures.b64(alice.psk()));
    }

    @Test
    void keysAndPsksMustBe32BytesOfBase64() {
        String shortPsk = server().replace(HubFixtures.b64(alice.psk()), HubFixtures.b64(new byte[31]));
        assertThat(serverError(shortPsk).getMessage())
                .contains("AllowedClients[0] (alice).ClientPSK")
                .contains("expected 32 bytes")
                .contains("got 31");
        String longKey = server().replace(hub.privB64(), HubFixtures.b64(new byte[33]));
        assertThat(serverError(longKey).getMessage())
                .contains("ServerX25519PrivateKey")
                .contains("expected 32 bytes");
        String notB64 = server().replace(alice.keys().pubB64(), "not*base64!");
        assertThat(serverError(notB64).getMessage())
                .contains("(alice).ClientPublicKey")
                .contains("not valid base64");
        String number = server().replace("\"" + HubFixtures.b64(bob.psk()) + "\"", "12");
        assertThat(serverError(number).getMessage()).contains("(bob).ClientPSK").contains("expected a base64 string");
    }

    @Test
    void mismatchedPublicKeyIsRefused() {
        String json = server().replace(
                        "\"ListenAddress\"",
                        "\"ServerX25519PublicKey\":\"" + alice.keys().pubB64() + "\",\"ListenAddress\"");
        assertThat(serverError(json).getMessage())
                .contains("ServerX25519PublicKey")
                .contains("does not match");
    }

    @Test
    void lowOrderClientKeyIsRefused() {
        String json = server().replace(alice.keys().pubB64(), HubFixtures.b64(new byte[32]));
        assertThat(serverError(json).getMessage())
                .contains("(alice).ClientPublicKey")
                .contains("low-order");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"ListenPort\":51820,|ListenPort: is missing",
                "\"ClientPSK\":\"PSK_ALICE\",|(alice).ClientPSK: is missing",
                "\"Name\":\"alice\",|AllowedClients[0].Name: is missing",
                "\"AllowedIPs\":[\"10.77.0.2/32\"],|(alice).AllowedIPs: is missing",
            })
    void missingFieldsAreNamed(String remove, String expected) {
        String json = server().replace("PSK_ALICE", "")
                .replace(remove.replace("PSK_ALICE", HubFixtures.b64(alice.psk())), "");
        assertThat(serverError(json).getMessage()).contains(expected);
    }

    @Test
    void missingClientListIsNamed() {
        String json = server().replaceAll(",\"AllowedClients\":\\[.*\\]\\}$", "}");
        assertThat(serverError(json).getMessage()).contains("AllowedClients: is missing");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "10.77.0.2/32|10.77.0.2/33|exceeds 32",
                "10.77.0.2/32|10.77.0.2|ADDRESS/PREFIX",
                "10.77.0.2/32|10.77.0.2/24|host bits",
                "10.77.0.2/32|10.77.0.256/32|above 255",
                "10.77.0.2/32|010.77.0.2/32|malformed IPv4 part",
                "10.77.0.2/32|example.com/32|not an IPv4 or IPv6 literal",
                "10.77.0.2/32|fd00::1/129|exceeds 128",
                "10.77.0.2/32|10.77.0.2/x|not a number",
            })
    void cidrSyntaxIsChecked(String from, String to, String expected) {
        String json = server().replace(from, to);
        assertThat(serverError(json).getMessage())
                .contains("(alice).AllowedIPs[0]")
                .contains(expected);
    }

    @Test
    void overlappingAllowedIpsAreRefusedUnlessBothAllowIt() throws Exception {
        String json = server().replace("10.77.0.3/32", "10.77.0.0/24");
        assertThat(serverError(json).getMessage())
                .contains("(alice).AllowedIPs 10.77.0.2/32 overlaps (bob).AllowedIPs 10.77.0.0/24")
                .contains("AllowOverlap");
        String oneSide = json.replace("\"Name\":\"bob\",", "\"Name\":\"bob\",\"AllowOverlap\":true,");
        assertThat(serverError(oneSide).getMessage()).contains("overlaps");
        String both = oneSide.replace("\"Name\":\"alice\",", "\"Name\":\"alice\",\"AllowOverlap\":true,");
        assertThat(HubConfigParser.parseServer(both, "hub.json").clients()).hasSize(2);
    }

    @Test
    void duplicatesAndUnknownFieldsAreRefused() {
        String dupName = server().replace("\"Name\":\"bob\"", "\"Name\":\"alice\"");
        assertThat(serverError(dupName).getMessage()).contains("'alice' is used twice");
        String dupKey = server().replace(bob.keys().pubB64(), alice.keys().pubB64());
        assertThat(serverError(dupKey).getMessage()).contains("also the key of client 'alice'");
        String typo = server().replace("\"Enabled\":true", "\"Enabeld\":true");
        assertThat(serverError(typo).getMessage()).contains("Enabeld: unknown field");
        String hubKeyAsClient = server().replace(alice.keys().pubB64(), hub.pubB64());
        assertThat(serverError(hubKeyAsClient).getMessage()).contains("hub's own public key");
    }

    @Test
    void disabledClientsParseAsRevoked() throws Exception {
        String json = server().replace("\"Name\":\"bob\",", "\"Name\":\"bob\",\"Enabled\":false,")
                .replace(",\"Enabled\":true}]", "}]");
        HubConfig c = HubConfigParser.parseServer(json, "hub.json");
        assertThat(c.clients().get(1).enabled()).isFalse();
    }

    @Test
    void malformedJsonAndTypesAreRefused() {
        assertThat(serverError("").getMessage()).contains("hub.json");
        assertThat(serverError("[]").getMessage()).contains("expected a JSON object");
        assertThat(serverError("{\"ListenPort\":").getMessage()).contains("not valid JSON");
        assertThat(serverError(server().replace("51820", "70000")).getMessage())
                .contains("ListenPort: expected an integer 1..65535");
        assertThat(serverError(server().replace("51820", "\"51820\"")).getMessage())
                .contains("ListenPort");
        assertThat(serverError(server().replace("\"Enabled\":true", "\"Enabled\":\"yes\""))
                        .getMessage())
                .contains("true or false");
        assertThat(serverError(server().replace("\"AllowedIPs\":[\"10.77.0.2/32\"]", "\"AllowedIPs\":[]"))
                        .getMessage())
                .contains("(alice).AllowedIPs: is empty");
        assertThat(serverError(server().replace("\"Name\":\"alice\"", "\"Name\":\"../x\""))
                        .getMessage())
                .contains("Name");
    }

    @Test
    void clientEndpointAndKeysAreChecked() {
        String good = HubFixtures.clientJson(alice, hub, 51820);
        for (String[] c : new String[][] {
            {"127.0.0.1:51820", "127.0.0.1", "ServerEndpoint: expected HOST:PORT"},
            {"127.0.0.1:51820", "127.0.0.1:0", "port must be 1..65535"},
            {hub.pubB64(), HubFixtures.b64(new byte[16]), "ServerPublicKey: expected 32 bytes"},
            {"\"Address\":[\"10.77.0.2/24\"]", "\"Address\":[]", "Address: is empty"},
        }) {
            assertThatThrownBy(() -> HubConfigParser.parseClient(good.replace(c[0], c[1]), "alice.json"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(c[2])
                    .hasMessageNotContaining(HubFixtures.b64(alice.psk()));
        }
        assertThatThrownBy(() -> HubConfigParser.parseClient(
                        good.replace("\"ClientPSK\":\"" + HubFixtures.b64(alice.psk()) + "\",", ""), "alice.json"))
                .hasMessageContaining("ClientPSK: is missing");
    }

    @Test
    void ipv6PrefixesWork() throws Exception {
        String json = server().replace("\"10.77.0.2/32\"", "\"10.77.0.2/32\",\"fd77::2/128\"");
        HubConfig c = HubConfigParser.parseServer(json, "hub.json");
        assertThat(c.clients().getFirst().allowedIps()).contains(Cidr.parse("fd77::2/128"));
        assertThat(Base64.getDecoder().decode(HubFixtures.b64(hub.pub()))).hasSize(32);
    }
}
