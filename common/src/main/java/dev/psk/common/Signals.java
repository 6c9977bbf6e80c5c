package dev.psk.common;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * POSIX signal handlers (INT, TERM, HUP) for the daemons, in one place.
 *
 * <p>The JDK's only handler API is {@code sun.misc.Signal} in the {@code jdk.unsupported} module.
 * It is reached reflectively so that the build, which treats every compiler warning as an error,
 * does not warn about an internal API at each call site; where the module or the signal is missing
 * {@link #handle} returns false and the caller falls back (a shutdown hook, or reload on file change).
 */
public final class Signals {
    private Signals() {}

    /**
     * Runs {@code action} on the JDK's signal thread each time signal {@code name} ("INT", "TERM",
     * "HUP") arrives. The action must return quickly; long work belongs on another thread.
     *
     * @return false when signals cannot be handled here (the JDK refuses the name or lacks the API)
     */
    public static boolean handle(String name, Runnable action) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance(name);
            InvocationHandler ih = (proxy, method, args) -> invoke(method, action, proxy, args);
            Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass}, ih);
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
            return true;
        } catch (ReflectiveOperationException | LinkageError | IllegalArgumentException e) {
            return false;
        }
    }

    private static Object invoke(Method method, Runnable action, Object proxy, Object[] args) {
        return switch (method.getName()) {
            case "handle" -> {
                action.run();
                yield null;
            }
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> "Signals.handler";
        };
    }
}
