package dev.psk.common;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.ReadOnlyFileSystemException;

/**
 * The reason an I/O operation failed, in words an operator acts on ("permission denied", "no such
 * file"), never an exception class name or a bare path.
 *
 * <p>The JDK's {@link FileSystemException}s carry the path as their message and the OS's reason
 * (if any) separately; callers already name the file, so only the reason is wanted here.
 */
public final class IoErrors {
    private IoErrors() {}

    /** A short lower-case reason for {@code e}, without the file name. */
    public static String reason(IOException e) {
        return switch (e) {
            case AccessDeniedException a -> "permission denied";
            case NoSuchFileException n -> "no such file or directory";
            case NotDirectoryException n -> "not a directory";
            case FileAlreadyExistsException f -> "already exists";
            case DirectoryNotEmptyException d -> "directory not empty";
            case FileSystemLoopException l -> "too many levels of symbolic links";
            case NotLinkException n -> "not a symbolic link";
            case FileSystemException f when f.getReason() != null -> osReason(f.getReason());
            default -> plain(e);
        };
    }

    /** The same for any throwable: I/O errors as above, others by their message. */
    public static String reason(Throwable t) {
        if (t instanceof IOException io) {
            return reason(io);
        }
        if (t instanceof ReadOnlyFileSystemException) {
            return "read-only file system";
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? "unexpected " + t.getClass().getSimpleName() : m;
    }

    private static String osReason(String r) {
        // strerror text such as "Is a directory" or "No space left on device": lower-case its first letter
        if (r.isEmpty() || (r.length() > 1 && Character.isUpperCase(r.charAt(1)))) {
            return r; // empty, or an acronym such as "TUN ..." that must keep its case
        }
        return Character.toLowerCase(r.charAt(0)) + r.substring(1);
    }

    private static String plain(IOException e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return "I/O error";
        }
        // "Is a directory", "Permission denied": the OS's words, first letter lowered for our one-line style
        return osReason(m);
    }
}
