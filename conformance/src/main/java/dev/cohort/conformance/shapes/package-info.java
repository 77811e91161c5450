/**
 * Records and enums that the object cases send. The suite's codec policy allows this package (and
 * only this one of the suite's packages), see {@link dev.cohort.conformance.Conformance#options()}.
 */
package dev.cohort.conformance.shapes;
