package dev.cohort.transport.mpj;

import mpi.Intracomm;
import mpi.MPI;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * On a cluster device, where each rank is a process of its own, rank r watches rank r+1's process
 * (the last rank watches rank 0) through a TCP connection of its own: when the watched process ends,
 * for whatever reason, the operating system closes the connection, and the watcher reads its end.
 * A rank that closes its session first says {@link #BYE} (and goes on watching the next rank while
 * its process lasts: MPJ's Finalize waits for every rank); a rank whose part of the job ends because
 * the job failed says {@link #ENDED} and why. An end of stream without either means the process died
 * without closing its session (a signal, System.exit, a crash): the watcher calls
 * {@link Listener#died}. This is what mpirun does for Open MPI ("a process exited without calling
 * finalize"); MPJ Express's niodev has nothing like it, so without this the other ranks wait forever.
 *
 * <p>The reason travels back around the ring: the watcher of a rank that said ENDED ends too
 * ({@link Listener#ended}) and says the same to its own watcher, so every live rank learns it, from
 * the dead rank's watcher back to the rank after the dead one. That does not depend on MPJ: after a
 * peer's death niodev may stop delivering messages (an abort notice sent over MPJ then was seen to
 * get lost), so the MPJ notices are only the faster path.
 *
 * <p>The ranks exchange their listening ports and processor names with one MPJ Allgather when the
 * transport opens, before any other traffic. A watcher that cannot connect prints why and goes on
 * without watching: the job still runs, as it did before.
 */
final class PeerWatch {
    /** Said by a rank closing its session normally. */
    static final int BYE = 'B';
    /** Said by a rank whose part of the job ends because the job failed, followed by why (UTF-8). */
    static final int ENDED = 'E';
    private static final int NAME_BYTES = 256;
    private static final int MAX_REASON_BYTES = 64 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    /** What the watch reports; called on its own thread. */
    interface Listener {
        /** The watched rank's process ended without closing its session or saying why. */
        void died(int rank);

        /** The watched rank's part of the job ended because the job failed, for {@code reason}. */
        void ended(String reason);
    }

    private final int watched;
    private final Listener listener;
    /** The connection the previous rank watches this one through (null if it could not connect); written once. */
    private Socket watcher;
    /** The connection to the watched rank (null if it could not be made). */
    private Socket watching;
    private volatile boolean over;
    /** Whether this rank said BYE (guarded by this). */
    private boolean byeSaid;

    /** Connects to the watched rank and accepts the watching one; {@code server} is this rank's, listening. */
    PeerWatch(int rank, int size, ServerSocket server, String[] names, int[] ports, Listener listener) {
        this.watched = (rank + 1) % size;
        this.listener = listener;
        String host = names[watched];
        int port = ports[watched];
        try {
            // the next rank's socket listens already (the ports were exchanged after it opened):
            // the connection completes in its backlog whether or not it accepts yet
            if (port >= 0) watching = connect(host, port, host.equals(names[rank]));   // -1: it has none
        } catch (IOException e) {
            System.err.println("cohort: rank " + rank + " cannot watch rank " + watched + "'s process at " + host + ":"
                    + port + " (" + e + "): if rank " + watched + " is killed by a signal, the job may wait");
        }
        try {
            server.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
            watcher = server.accept();
        } catch (IOException e) {
            // the previous rank could not connect, and has said so
        } finally {
            closeQuietly(server);
        }
        if (watching != null) {
            Thread t = new Thread(this::watch, "cohort-mpj-watch-" + rank);
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * Opens the listening socket, exchanges ports and names over {@code wire} (collective: every rank
     * calls it) and starts watching. Null for one rank.
     */
    static PeerWatch start(Intracomm wire, int rank, int size, String processorName, Listener listener) {
        if (size < 2) return null;
        ServerSocket server = null;
        try {
            server = new ServerSocket(0, 4);
        } catch (IOException e) {
            System.err.println("cohort: rank " + rank + " cannot open a socket for the rank watch (" + e
                    + "): a rank killed by a signal may leave the job waiting");
        }
        int[] ports = new int[size];
        int[] mine = {server == null ? -1 : server.getLocalPort()};
        wire.Allgather(mine, 0, 1, MPI.INT, ports, 0, 1, MPI.INT);
        byte[] name = Arrays.copyOf(processorName.getBytes(StandardCharsets.UTF_8), NAME_BYTES);
        byte[] all = new byte[NAME_BYTES * size];
        wire.Allgather(name, 0, NAME_BYTES, MPI.BYTE, all, 0, NAME_BYTES, MPI.BYTE);
        String[] names = new String[size];
        for (int r = 0; r < size; r++) {
            int end = 0;
            while (end < NAME_BYTES && all[r * NAME_BYTES + end] != 0) end++;
            names[r] = new String(all, r * NAME_BYTES, end, StandardCharsets.UTF_8);
        }
        if (server == null) return null;   // the previous rank sees port -1 and does not connect
        return new PeerWatch(rank, size, server, names, ports, listener);
    }

    /**
     * Waits for the watched rank's words and the end of its connection. After BYE it goes on
     * listening: a rank whose session is closed still watches the next one until its process ends,
     * and passes on what it learns.
     */
    private void watch() {
        boolean bye = false;
        try {
            InputStream in = watching.getInputStream();
            for (int said = in.read(); ; said = in.read()) {
                if (said == BYE) {
                    bye = true;
                } else if (said == ENDED) {
                    String reason = new String(in.readNBytes(MAX_REASON_BYTES), StandardCharsets.UTF_8);
                    if (!over) listener.ended(reason);
                    return;
                } else {
                    break;
                }
            }
        } catch (IOException e) {
            // as an end of stream
        }
        if (!over && !bye) listener.died(watched);
    }

    private static Socket connect(String host, int port, boolean sameHost) throws IOException {
        IOException first;
        try {
            return connect(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            if (!sameHost) throw e;
            first = e;
        }
        try {
            return connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            first.addSuppressed(e);
            throw first;
        }
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, CONNECT_TIMEOUT_MILLIS);
            return s;
        } catch (IOException e) {
            closeQuietly(s);
            throw e;
        }
    }

    /**
     * Tells the watching rank that this rank's session is closed (BYE), so that the end of its
     * process is not taken for a death. This rank goes on watching the next one.
     */
    void bye() {
        Socket w;
        synchronized (this) {
            if (over || byeSaid) return;
            byeSaid = true;
            w = watcher;
        }
        say(w, BYE, null);
    }

    /**
     * Ends the watch: tells the watching rank that this rank's part of the job ends for
     * {@code reason}, which that rank then passes on, and stops watching the next rank. Only the
     * first call counts.
     */
    void end(String reason) {
        Socket w;
        synchronized (this) {
            if (over) return;
            over = true;
            w = watcher;
        }
        say(w, ENDED, reason);
        closeQuietly(w);
        closeQuietly(watching);
    }

    private static void say(Socket w, int word, String reason) {
        if (w == null) return;
        try {
            OutputStream out = w.getOutputStream();
            out.write(word);
            if (reason != null) {
                byte[] b = reason.getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, Math.min(b.length, MAX_REASON_BYTES));
            }
            out.flush();
        } catch (IOException e) {
            // the watching rank is gone: nobody to tell
        }
    }

    /** Closes this rank's connections without a word, as the operating system does when the process dies. */
    void drop() {
        Socket w;
        synchronized (this) {
            over = true;
            w = watcher;
        }
        closeQuietly(w);
        closeQuietly(watching);
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
