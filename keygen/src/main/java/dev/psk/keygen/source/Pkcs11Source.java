package dev.psk.keygen.source;

/** Placeholder until the PKCS#11 source lands. */
final class Pkcs11Source {
    private Pkcs11Source() {}

    static EntropySource open(String uri) throws EntropySourceException {
        throw new EntropySourceException("--source pkcs11: not implemented yet");
    }
}
