package org.mirrorfs.examples.bench;

import java.io.IOException;
import java.io.InputStream;

/** W6: reads back the file W1 wrote on the same system, in 1 MiB reads. */
final class ReadBackWorkload implements WorkloadDriver {
  @Override
  public Timing run(SystemUnderTest system, String name) throws IOException {
    byte[] buf = new byte[1 << 20];
    long bytes = 0;
    long reads = 0;
    long t0 = System.nanoTime();
    try (InputStream in = system.open(name)) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        bytes += n;
        reads++;
      }
    }
    return new Timing(bytes, reads, System.nanoTime() - t0, null);
  }

  /** The W1 file is removed by the W1 driver after this has read it. */
  @Override
  public void cleanUp(SystemUnderTest system, String name) {}
}
