/**
 * Collective algorithms for Cohort communicators. {@link dev.cohort.collectives.PortableCollectivesProvider}
 * runs every collective as rounds of point-to-point messages on the communicator's collective context
 * (binomial trees, recursive doubling, rings, pairwise exchange, dissemination), choosing by message size
 * and rank count. Everything but the provider is internal.
 */
package dev.cohort.collectives;
