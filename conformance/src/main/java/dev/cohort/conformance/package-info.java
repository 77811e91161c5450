/**
 * The conformance suite: point-to-point, nonblocking, object and error cases written once against
 * the public API and run on every transport. {@link dev.cohort.conformance.Conformance} lists the
 * cases; the local JUnit runner (this module's tests) runs each at 1, 2, 3, 4 and 7 thread ranks, and
 * {@link dev.cohort.conformance.ConformanceMain} runs them in processes launched by mpirun or MPJ
 * Express. Public: the registry, the case type, the case classes (one public static method per case) and the main
 * class; the helpers the cases share are package-private.
 */
package dev.cohort.conformance;
