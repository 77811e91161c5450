package dev.cohort.launch;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URLClassLoader;

/**
 * The program's {@code public static void main(String[])}: checked once before the job starts, then
 * called by each rank from the rank's own class loader.
 */
final class ApplicationMain {
    private final String className;

    private ApplicationMain(String className) {
        this.className = className;
    }

    /** A main class that is loaded by the caller's class loader (ranks in processes of their own). */
    static ApplicationMain named(String className) {
        return new ApplicationMain(className);
    }

    String className() {
        return className;
    }

    /**
     * Checks that {@code name} names a class with a main method on the class path, without
     * initializing it. Bad names are a UsageException. Returns a warning when the class is visible to
     * the launcher's own class loader (then its statics are shared by all ranks), else null.
     */
    static ApplicationMain check(String name, AppClassPath classPath, ClassLoader parent, StringBuilder warning) {
        if (name == null || name.isBlank()) throw new UsageException("no main class given");
        if (name.endsWith(".class") || name.endsWith(".java")) {
            throw new UsageException("'" + name + "' is a file name; give the class name, for example "
                    + name.substring(0, name.lastIndexOf('.')).replace('/', '.').replace('\\', '.'));
        }
        String binaryName = name.replace('/', '.');
        try (URLClassLoader probe = new URLClassLoader("cohort-probe", classPath.urls(), parent)) {
            Class<?> c;
            try {
                c = Class.forName(binaryName, false, probe);
            } catch (ClassNotFoundException e) {
                throw new UsageException("main class " + binaryName + " not found on the application class path "
                        + classPath.describe());
            } catch (LinkageError e) {
                throw new UsageException("cannot load main class " + binaryName + ": " + e);
            }
            Method m;
            try {
                m = c.getMethod("main", String[].class);
            } catch (NoSuchMethodException | LinkageError e) {
                m = null;
            }
            if (m == null || !Modifier.isStatic(m.getModifiers()) || m.getReturnType() != void.class) {
                throw new UsageException("class " + binaryName + " has no public static void main(String[] args)");
            }
            if (c.getClassLoader() != probe && warning != null) {
                warning.append("class ").append(binaryName).append(" is on the launcher's own class path, so its ")
                        .append("static fields are shared by all ranks; put it on the application class path (-cp) instead");
            }
        } catch (java.io.IOException e) {
            // closing the probe loader failed: nothing to do
        }
        return new ApplicationMain(binaryName);
    }

    /** Calls main from {@code loader}, rethrowing what main threw as is. */
    void invoke(ClassLoader loader, String[] args) throws Exception {
        Class<?> c = Class.forName(className, true, loader);
        Method m = c.getMethod("main", String[].class);
        m.setAccessible(true); // main may be in a package-private class, as java allows
        try {
            m.invoke(null, (Object) args.clone());
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            if (t instanceof Exception) throw (Exception) t;
            if (t instanceof Error) throw (Error) t;
            throw e;
        }
    }
}
