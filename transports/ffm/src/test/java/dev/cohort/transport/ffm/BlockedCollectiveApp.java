package dev.cohort.transport.ffm;

import dev.cohort.Cohort;
import dev.cohort.Comm;
import dev.cohort.Op;
import dev.cohort.Request;

/**
 * Rank 1 posts a receive and enters a blocking allreduce that rank 0 joins only seconds later, then
 * sends: the case in which the ffm transport warns that a blocking collective may be holding up a
 * peer's send (here it is not, so the job finishes).
 */
public final class BlockedCollectiveApp {
    private BlockedCollectiveApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("cohort.ffm.blockedWarnSeconds") == null) System.setProperty("cohort.ffm.blockedWarnSeconds", "1");
        try (Cohort mpi = Cohort.init(args)) {
            Comm w = mpi.world();
            int[] got = new int[1];
            double[] sum = new double[1];
            Request r = w.rank() == 1 ? w.irecv(got, 0, 1, 0, 3) : null;
            if (w.rank() == 0) Thread.sleep(3000);
            w.allreduce(new double[]{w.rank() + 1}, sum, Op.SUM);
            if (w.rank() == 0) w.send(new int[]{42}, 0, 1, 1, 3);
            else r.waitFor();
            System.out.println("rank " + w.rank() + " sum " + sum[0] + (w.rank() == 1 ? " received " + got[0] : ""));
        }
    }
}
