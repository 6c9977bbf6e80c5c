package dev.psk.attest.tpm;

import dev.psk.common.IoErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A Linux TPM character device: {@code /dev/tpmrm0} (kernel resource manager: transient objects
 * are flushed when the file is closed) or {@code /dev/tpm0}. The kernel takes one whole command per
 * write and returns one whole response per read.
 */
public final class DeviceTransport implements TpmTransport {
    private final FileChannel channel;
    private final Path path;

    private DeviceTransport(FileChannel channel, Path path) {
        this.channel = channel;
        this.path = path;
    }

    public static DeviceTransport open(Path path) throws TpmException {
        try {
            return new DeviceTransport(FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE), path);
        } catch (IOException | UnsupportedOperationException e) {
            throw new TpmException("cannot open TPM device " + path + ": " + IoErrors.reason(e), e);
        }
    }

    @Override
    public byte[] transact(byte[] command) throws TpmException {
        try {
            ByteBuffer cmd = ByteBuffer.wrap(command);
            while (cmd.hasRemaining()) {
                channel.write(cmd);
            }
            ByteBuffer resp = ByteBuffer.allocate(Tpm2.MAX_RESPONSE_BYTES);
            int n = channel.read(resp);
            if (n < Tpm2.HEADER_BYTES) {
                throw new TpmException(path + ": short response (" + n + " bytes)");
            }
            byte[] out = new byte[n];
            resp.flip().get(out);
            return out;
        } catch (IOException e) {
            throw new TpmException(path + ": " + IoErrors.reason(e), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
