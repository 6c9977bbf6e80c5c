package dev.psk.provision.cli;

import dev.psk.identity.pkcs11.Pkcs11Uri;
import dev.psk.identity.pkcs11.Pkcs11UriException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses a {@code pkcs11:} option value; a syntax error is a usage error naming position and rule. */
public final class UriConverter implements ITypeConverter<Pkcs11Uri> {
    @Override
    public Pkcs11Uri convert(String value) {
        try {
            return Pkcs11Uri.parse(value);
        } catch (Pkcs11UriException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
