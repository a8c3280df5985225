package org.mirrorfs.engine.record;

/**
 * How the record divides the address space. An address is (file id, block): a block is
 * {@code blockBytes} of one file. Write intent is persisted per extent: {@code extentFiles}
 * consecutive file ids by {@code extentBlocks} consecutive blocks, so one sequential file costs
 * one extent per {@code extentBlocks} blocks and small files created one after another share
 * extents.
 */
public record RecordGeometry(int blockBytes, int extentFiles, int extentBlocks) {
  /** 1 MiB blocks; extents of 256 files by 256 blocks (256 MiB of one file). */
  public static final RecordGeometry DEFAULT = new RecordGeometry(1 << 20, 256, 256);

  public RecordGeometry {
    if (Integer.bitCount(blockBytes) != 1 || Integer.bitCount(extentFiles) != 1
        || Integer.bitCount(extentBlocks) != 1) {
      throw new IllegalArgumentException("record geometry " + blockBytes + "/" + extentFiles
          + "/" + extentBlocks + ": each must be a power of two");
    }
  }

  public int block(long offset) {
    long b = offset / blockBytes;
    if (b > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("offset " + offset + " beyond the record's address "
          + "space");
    }
    return (int) b;
  }

  public long blockStart(int block) {
    return (long) block * blockBytes;
  }

  public Extent extentOf(long fileId, int block) {
    return new Extent(Long.divideUnsigned(fileId, extentFiles), block / extentBlocks);
  }

  /** One unit of persisted write intent. */
  public record Extent(long fileGroup, int blockGroup) implements Comparable<Extent> {
    @Override
    public int compareTo(Extent o) {
      int c = Long.compareUnsigned(fileGroup, o.fileGroup);
      return c != 0 ? c : Integer.compare(blockGroup, o.blockGroup);
    }

    @Override
    public String toString() {
      return Long.toHexString(fileGroup) + ":" + blockGroup;
    }
  }
}
