package dev.cohort.transport.mpj;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ring of process watches, without MPJ: three "ranks" in this JVM, each with its own listening
 * socket, as PeerWatch.start sets them up after the ranks exchanged ports. Rank r watches r+1.
 */
@Timeout(60)
class PeerWatchTest {
    /** What each rank's listener heard, in order: "died R" or "ended REASON". */
    private final List<BlockingQueue<String>> heard = List.of(new LinkedBlockingQueue<>(), new LinkedBlockingQueue<>(),
            new LinkedBlockingQueue<>());

    private PeerWatch[] ring() throws Exception {
        int n = 3;
        ServerSocket[] servers = new ServerSocket[n];
        int[] ports = new int[n];
        String[] names = new String[n];
        for (int r = 0; r < n; r++) {
            servers[r] = new ServerSocket(0, 4);
            ports[r] = servers[r].getLocalPort();
            names[r] = InetAddress.getLoopbackAddress().getHostName();
        }
        List<CompletableFuture<PeerWatch>> f = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int me = r;
            BlockingQueue<String> mine = heard.get(r);
            // each connects to the next and then accepts the previous one, as the ranks do at once
            f.add(CompletableFuture.supplyAsync(() -> new PeerWatch(me, n, servers[me], names, ports, new PeerWatch.Listener() {
                @Override
                public void died(int peer) {
                    mine.add("died " + peer);
                }

                @Override
                public void ended(String reason) {
                    mine.add("ended " + reason);
                }
            })));
        }
        PeerWatch[] w = new PeerWatch[n];
        for (int r = 0; r < n; r++) w[r] = f.get(r).get(30, TimeUnit.SECONDS);
        return w;
    }

    @Test
    void aDroppedConnectionIsADeathToItsWatcherOnly() throws Exception {
        PeerWatch[] w = ring();
        w[1].drop();
        assertThat(heard.get(0).poll(10, TimeUnit.SECONDS)).isEqualTo("died 1");
        w[0].bye();
        w[2].bye();
        assertThat(heard.get(1).poll(300, TimeUnit.MILLISECONDS)).as("rank 1 is the dead one").isNull();
        assertThat(heard.get(2).poll(300, TimeUnit.MILLISECONDS)).as("rank 0 said bye to rank 2").isNull();
    }

    @Test
    void byeIsNotADeath() throws Exception {
        PeerWatch[] w = ring();
        for (PeerWatch p : w) p.bye();
        for (PeerWatch p : w) p.drop();   // the processes end after their goodbyes
        for (BlockingQueue<String> q : heard) assertThat(q.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void anEndedRankTellsItsWatcherWhy() throws Exception {
        PeerWatch[] w = ring();
        w[2].end("rank 2 failed: java.lang.IllegalStateException: boom");
        assertThat(heard.get(1).poll(10, TimeUnit.SECONDS)).isEqualTo("ended rank 2 failed: java.lang.IllegalStateException: boom");
        // what MpjTransport does next: the watcher ends too and passes the reason on
        w[1].end("rank 2 failed: java.lang.IllegalStateException: boom");
        assertThat(heard.get(0).poll(10, TimeUnit.SECONDS)).isEqualTo("ended rank 2 failed: java.lang.IllegalStateException: boom");
        w[0].end("rank 2 failed: java.lang.IllegalStateException: boom");
        assertThat(heard.get(2).poll(300, TimeUnit.MILLISECONDS)).as("rank 2 stopped watching when it ended").isNull();
    }

    @Test
    void aRankWithItsSessionClosedStillWatchesAndPassesTheEndOn() throws Exception {
        PeerWatch[] w = ring();
        w[0].bye();    // rank 0 is done, its process still up (MPJ's Finalize waits for the others)
        w[1].drop();   // then rank 1 is killed, while rank 2 waits for it
        assertThat(heard.get(0).poll(10, TimeUnit.SECONDS)).isEqualTo("died 1");
        // what MpjTransport does on a closed rank: pass it on to the rank watching it
        w[0].end("rank 1's process ended");
        assertThat(heard.get(2).poll(10, TimeUnit.SECONDS)).as("rank 2 heard it after rank 0's BYE")
                .isEqualTo("ended rank 1's process ended");
    }
}
