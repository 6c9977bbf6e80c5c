package dev.psk.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** The one-line format, with and without journald priorities. */
class LogTest {
    @Test
    void prefixesPrioritiesOnlyForTheJournal() {
        assertThat(Log.format(Severity.ERROR, "psk-tunnel", "state file gone", true))
                .isEqualTo("<3>psk-tunnel: state file gone");
        assertThat(Log.format(Severity.WARNING, "psk-tunnel", "pad below 10%", true))
                .isEqualTo("<4>psk-tunnel: warning: pad below 10%");
        assertThat(Log.format(Severity.INFO, "psk-tunnel", "handshake: established", true))
                .isEqualTo("<6>psk-tunnel: handshake: established");
        assertThat(Log.format(Severity.DEBUG, "psk-tunnel", "detail", true)).isEqualTo("<7>psk-tunnel: detail");
        assertThat(Log.format(Severity.WARNING, "psk-tunnel", "pad below 10%", false))
                .isEqualTo("psk-tunnel: warning: pad below 10%");
        assertThat(Log.format(Severity.INFO, "psk-tunnel", "up", false)).isEqualTo("psk-tunnel: up");
    }

    @Test
    void oneEventIsOneLine() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Log log = new Log(new PrintStream(b, true, StandardCharsets.UTF_8), "psk-tunnel", true);
        log.warn("first\nsecond\r\nthird");
        log.detail("  pad   x\ny");
        assertThat(b.toString(StandardCharsets.UTF_8).split("\n", -1))
                .containsExactly("<4>psk-tunnel: warning: first second third", "<6>  pad   x y", "");
    }

    @Test
    void javaUtilLoggingRecordsBecomeOneLineWithTheirLevel() {
        var f = OneLineLogging.formatter("psk-tunnel", true);
        assertThat(f.format(new LogRecord(Level.SEVERE, "configuration NOT reloaded")))
                .isEqualTo("<3>psk-tunnel: configuration NOT reloaded" + System.lineSeparator());
        assertThat(f.format(new LogRecord(Level.WARNING, "no handshake with hub")))
                .isEqualTo("<4>psk-tunnel: warning: no handshake with hub" + System.lineSeparator());
        assertThat(f.format(new LogRecord(Level.INFO, "handshake refused (disabled_key)")))
                .isEqualTo("<6>psk-tunnel: handshake refused (disabled_key)" + System.lineSeparator());
        assertThat(f.format(new LogRecord(Level.FINE, "message 1 refused")))
                .isEqualTo("<7>psk-tunnel: message 1 refused" + System.lineSeparator());
        LogRecord thrown = new LogRecord(Level.WARNING, "closing");
        thrown.setThrown(new IllegalStateException("socket\ngone"));
        assertThat(OneLineLogging.formatter("psk-tunnel", false).format(thrown))
                .isEqualTo("psk-tunnel: warning: closing (socket gone)" + System.lineSeparator());
    }
}
