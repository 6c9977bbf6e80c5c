package dev.psk.common.testing;

import dev.psk.common.testing.Architecture.Layer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ModuleArchitecture}'s rules plus the layer order: for a module whose packages form
 * layers (docs/architecture.md, "Layers", lists each module's order).
 */
public abstract class LayeredModuleArchitecture extends ModuleArchitecture {
    private final List<Layer> layers;

    /**
     * @param rootPackage as for {@link ModuleArchitecture#ModuleArchitecture(String)}
     * @param layers lowest first: a package may import only packages of the layers before its own;
     *     every main class of the module must be in one of them
     */
    protected LayeredModuleArchitecture(String rootPackage, List<Layer> layers) {
        super(rootPackage);
        this.layers = List.copyOf(layers);
    }

    @Test
    void lowerLayersDoNotImportHigherOnes() {
        Architecture.layersLowestFirst(layers).check(classes());
    }
}
