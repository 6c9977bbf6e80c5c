package dev.psk.provision.cli;

import dev.psk.identity.SignatureFormat;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** "der" / "p1363", any case. */
public final class FormatConverter implements ITypeConverter<SignatureFormat> {
    @Override
    public SignatureFormat convert(String value) {
        try {
            return SignatureFormat.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("expected der or p1363, got \"" + value + "\"");
        }
    }
}
