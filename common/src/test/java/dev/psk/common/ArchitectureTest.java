package dev.psk.common;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.psk.common.testing.Architecture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The common module's package structure (docs/architecture.md, "Layers"). Its packages are
 * independent utilities under the root package, so only cycles and test hooks are checked.
 */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = Architecture.mainClasses("dev.psk.common");
    }

    @Test
    void noPackageCycles() {
        Architecture.noPackageCycles("dev.psk").check(classes);
    }

    @Test
    void mainCodeCallsNoTestHook() {
        Architecture.noTestHooksCalledFromMainCode().check(classes);
    }
}
