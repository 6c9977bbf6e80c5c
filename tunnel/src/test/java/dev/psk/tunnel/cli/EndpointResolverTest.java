package dev.psk.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.psk.common.PskException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointResolverTest {
    private final List<Duration> waits = new ArrayList<>();
    private final List<String> logged = new ArrayList<>();

    private EndpointResolver failingTimes(int failures, long retries) {
        int[] calls = {0};
        return new EndpointResolver(
                retries,
                host -> {
                    if (calls[0]++ < failures) {
                        throw new UnknownHostException(host);
                    }
                    return InetAddress.getByAddress(host, new byte[] {10, 0, 0, 9});
                },
                waits::add,
                logged::add);
    }

    @Test
    void aNameThatAppearsLateIsResolvedAfterGrowingWaits() throws PskException {
        java.net.InetSocketAddress a = failingTimes(3, 15).resolve("peer.example", 51820);
        assertThat(a.getAddress().getHostAddress()).isEqualTo("10.0.0.9");
        assertThat(a.getPort()).isEqualTo(51820);
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3));
        assertThat(logged).hasSize(3).allMatch(l -> l.contains("peer.example") && l.contains("retrying"));
    }

    @Test
    void givesUpAfterTheRetriesWithOneLineNamingTheHost() {
        assertThatThrownBy(() -> failingTimes(100, 2).resolve("nowhere.example", 1))
                .isInstanceOf(PskException.class)
                .hasMessage("--remote-host nowhere.example cannot be resolved (tried 3 times)");
        assertThat(waits).hasSize(2);
    }

    @Test
    void zeroRetriesTriesOnceAndWaitsNever() {
        assertThatThrownBy(() -> failingTimes(1, 0).resolve("nowhere.example", 1))
                .hasMessage("--remote-host nowhere.example cannot be resolved");
        assertThat(waits).isEmpty();
    }

    @Test
    void waitsAreCappedAtTwentySeconds() throws PskException {
        failingTimes(25, Long.MAX_VALUE).resolve("slow.example", 1);
        assertThat(waits).hasSize(25).last().isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void retriesComeFromTheEnvironmentValue() throws PskException {
        assertThat(EndpointResolver.parseRetries(null)).isEqualTo(15);
        assertThat(EndpointResolver.parseRetries("")).isEqualTo(15);
        assertThat(EndpointResolver.parseRetries("infinity")).isEqualTo(Long.MAX_VALUE);
        assertThat(EndpointResolver.parseRetries("4")).isEqualTo(4);
        for (String bad : new String[] {"-1", "many", "1.5", "0x10"}) {
            assertThatThrownBy(() -> EndpointResolver.parseRetries(bad))
                    .isInstanceOf(PskException.class)
                    .hasMessageContaining(EndpointResolver.ENV)
                    .hasMessageContaining(bad);
        }
    }
}
