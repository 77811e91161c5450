package dev.cohort;

/** Code each rank runs in {@link Cohort#call(int, RankFunction)}, returning a value. */
@FunctionalInterface
public interface RankFunction<T> {
    T apply(Comm world) throws Exception;
}
