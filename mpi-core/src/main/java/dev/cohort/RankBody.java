package dev.cohort;

/** The code each rank runs in {@link Cohort#run(int, RankBody)}. */
@FunctionalInterface
public interface RankBody {
    void run(Comm world) throws Exception;
}
