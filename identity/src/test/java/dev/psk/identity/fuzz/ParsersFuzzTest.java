package dev.psk.identity.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.psk.identity.IdentityException;
import dev.psk.identity.PinnedPeers;
import dev.psk.identity.pkcs11.Pkcs11Uri;
import dev.psk.identity.pkcs11.Pkcs11UriException;

/**
 * Jazzer fuzz targets for the identity parsers. In a normal {@code mvn verify} they run their seed
 * corpus (resources under {@code ParsersFuzzTestInputs/}) as regression tests; with
 * JAZZER_FUZZ=1 they fuzz. Contract: only the typed exception escapes, and accepted URIs round-trip.
 *
 * <p>The seeded mutation tests in Pkcs11UriTest and PinnedPeersTest add many random mutations on
 * every build; coverage-guided runs are scripts/fuzz.sh (docs/fuzzing.md).
 */
class ParsersFuzzTest {

    @FuzzTest
    void pkcs11Uri(FuzzedDataProvider data) {
        String s = data.consumeRemainingAsString();
        try {
            Pkcs11Uri u = Pkcs11Uri.parse(s);
            if (!Pkcs11Uri.parse(u.format()).equals(u)) {
                throw new AssertionError("round trip differs for " + s);
            }
        } catch (Pkcs11UriException e) {
            if (e.position() < 1 || e.position() > s.length() + 1) {
                throw new AssertionError("position out of range: " + e.position(), e);
            }
        }
    }

    @FuzzTest
    void pinnedPeers(FuzzedDataProvider data) {
        try {
            PinnedPeers.parse(data.consumeRemainingAsString());
        } catch (IdentityException expected) {
            // malformed input is reported, never thrown as anything else
        }
    }
}
