package dev.psk.keygen.health;

import dev.psk.common.PskException;

/** The entropy source failed a continuous health test; its output must not be used. */
public final class HealthTestFailure extends PskException {
    private static final long serialVersionUID = 1L;

    /** Which SP 800-90B test tripped. */
    public enum Test {
        REPETITION_COUNT("repetition count test (SP 800-90B 4.4.1)"),
        ADAPTIVE_PROPORTION("adaptive proportion test (SP 800-90B 4.4.2)");

        private final String title;

        Test(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    private final Test test;
    private final long offset;

    public HealthTestFailure(Test test, long offset, String detail) {
        super("entropy source failed the " + test.title() + " at byte " + offset + ": " + detail);
        this.test = test;
        this.offset = offset;
    }

    public Test test() {
        return test;
    }

    /** Stream offset of the byte that tripped the test. */
    public long offset() {
        return offset;
    }
}
