package org.mirrorfs.engine.metering;

/**
 * What one tenant used at one engine during [startMillis, endMillis) (epoch milliseconds, UTC),
 * and the bytes its backing store held when the interval closed. An open interval (not yet
 * closed) has {@code storedBytes} -1 and {@code endMillis} at the time it was read.
 */
public record IntervalUsage(String tenant, long startMillis, long endMillis, Usage usage,
    long storedBytes, boolean open) {}
