/**
 * The local transport: ranks as threads of one JVM. Messages are matched in each destination's
 * {@link dev.cohort.local.Mailbox} and copied once, from the sender's buffer straight into the
 * receiver's when the receive is already posted (or when a receive finds a large message waiting:
 * rendezvous), and through a pooled eager buffer for small messages sent before their receive.
 * Only {@link dev.cohort.local.LocalTransportProvider} and {@link dev.cohort.local.LocalJob} are API;
 * the rest is internal.
 */
package dev.cohort.local;
