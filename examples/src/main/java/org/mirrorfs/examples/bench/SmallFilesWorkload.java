package org.mirrorfs.examples.bench;

import java.io.IOException;
import org.HdrHistogram.Histogram;

/** W4: create, write 4 KiB, close, one file after another in one directory. */
final class SmallFilesWorkload implements WorkloadDriver {
  private final int files;
  private final int fileBytes;

  SmallFilesWorkload(int files, int fileBytes) {
    this.files = files;
    this.fileBytes = fileBytes;
  }

  @Override
  public Timing run(SystemUnderTest system, String name) throws IOException {
    system.mkdirs(name);
    Histogram h = Timing.newHistogram();
    long t0 = System.nanoTime();
    for (int i = 0; i < files; i++) {
      long s = System.nanoTime();
      try (BenchStream out = system.create(name + "/f" + i, 0)) {
        out.write(Payload.BYTES, Payload.offsetFor((long) i * BenchSizes.PACKET), fileBytes);
      }
      h.recordValue(System.nanoTime() - s);
    }
    return new Timing((long) files * fileBytes, files, System.nanoTime() - t0, h);
  }
}
