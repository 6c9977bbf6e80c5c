package dev.psk.provision.cli;

import dev.psk.identity.pkcs11.Pkcs11Exception;
import dev.psk.identity.pkcs11.Pkcs11Token;
import dev.psk.identity.pkcs11.Pkcs11Uri;
import dev.psk.identity.pkcs11.Pkcs11UriException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses a {@code pkcs11:} option value; a syntax error is a usage error naming position and rule. */
public final class UriConverter implements ITypeConverter<Pkcs11Uri> {
    @Override
    public Pkcs11Uri convert(String value) {
        try {
            Pkcs11Uri uri = Pkcs11Uri.parse(value);
            Pkcs11Token.requireStandardAttributes(uri); // a typo such as tokn=: a usage error, not "no token"
            return uri;
        } catch (Pkcs11UriException | Pkcs11Exception e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
