package org.mirrorfs.protocol.message;

/** What a client sees of one path: the store's status, overlaid with acknowledged, undestaged state. */
public record FileInfo(String path, boolean directory, long length, long modificationTime,
    long accessTime, short permission, String owner, String group, long blockSize,
    short replication) {}
