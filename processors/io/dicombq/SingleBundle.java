package io.dicombq;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Refuses to start a second bundle on the same data directory, or on an HTTP port something else
 * already holds, with one sentence saying which and what to do. Without it a second {@code make run}
 * started anyway: DuckDB refused it the files and Vert.x the port, each in a stack trace, and it
 * stayed up with neither (and took over {@code data/.sql-endpoint} from the first).
 *
 * <p>It is a camel-main listener that {@link Application} adds: it runs once the properties are
 * read and before any bean of {@code beans.camel.yaml} is made. (A failing bean could not do this:
 * camel-main makes the other beans first and tries a failed one again at the end; and
 * {@code camel.main.main-listener-classes} adds a listener only after the beans are made.)
 *
 * <p>The data directory is held with an OS file lock on {@code DATA/.bundle.lock} (the file keeps
 * the holder's process id, for the message) until the bundle stops; the lock goes with the process,
 * {@code kill -9} included, so a crash never leaves a stale one. The port is tried once with a bind
 * of its own, released at once for the HTTP server to take.
 */
public final class SingleBundle extends MainListenerSupport {
    private Held held;

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        int port = Integer.parseInt(context.resolvePropertyPlaceholders("{{camel.server.port:0}}").trim());
        try {
            held = new Held(context.resolvePropertyPlaceholders("{{dicom.data}}"), port);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not lock the data directory: " + e.getMessage(), e);
        }
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        if (held != null) {
            try {
                held.close();
            } catch (IOException e) {
                // the process's end releases it anyway
            }
            held = null;
        }
    }

    /** Thrown when the bundle must not start; its message is the whole explanation. */
    public static final class AlreadyRunning extends IllegalStateException {
        AlreadyRunning(String message) {
            super(message);
        }
    }

    /** The lock on a data directory, taken once the port was found free. */
    static final class Held implements AutoCloseable {
        static final String LOCK_FILE = ".bundle.lock";

        private final FileChannel channel;
        private final FileLock lock;

        /**
         * @param dataDir  {@code dicom.data}
         * @param httpPort the port the HTTP server will bind ({@code camel.server.port}, which is
         *                 {@code dicom.http.port} unless set apart); 0 or less: not checked
         */
        Held(String dataDir, int httpPort) throws IOException {
            Path dir = Path.of(dataDir).toAbsolutePath();
            Files.createDirectories(dir);
            Path file = dir.resolve(LOCK_FILE);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock taken;
            try {
                taken = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                taken = null; // a bundle in this same JVM holds it (tests, an embedding application)
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            if (taken == null) {
                String holder = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
                channel.close();
                throw new AlreadyRunning("Another dicom-bq bundle" + (holder.isEmpty() ? "" : " (process " + holder + ")")
                        + " is running on the data directory " + dir + ": stop it first, or give this one its own"
                        + " directory (DICOM_DATA, with its own DICOM_INBOX and DICOM_STORE_DIR)");
            }
            lock = taken;
            try {
                checkPort(httpPort);
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                channel.force(false);
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        private static void checkPort(int port) throws IOException {
            if (port <= 0) {
                return;
            }
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true); // as the HTTP server binds: a port in TIME_WAIT is free
                probe.bind(new InetSocketAddress(port));
            } catch (BindException e) {
                throw new AlreadyRunning("The HTTP port " + port + " is in use (another dicom-bq bundle, or another"
                        + " program): stop it, or set DICOM_HTTP_PORT to a free port");
            }
        }

        /** Lets the next bundle start (the process's end does the same). */
        @Override
        public void close() throws IOException {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            channel.close();
        }
    }
}
