package org.mirrorfs.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.util.Random;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestFileCrc {
  @TempDir
  java.nio.file.Path dir;

  private LocalDiskFileSystem fs;

  @BeforeEach
  void init() throws Exception {
    fs = new LocalDiskFileSystem();
    fs.initialize(URI.create("file:///"), new Configuration(false));
  }

  @AfterEach
  void close() throws Exception {
    fs.close();
  }

  private static int crcOf(byte[] b, int from, int to) {
    CRC32C c = new CRC32C();
    c.update(b, from, to - from);
    return (int) c.getValue();
  }

  @Test
  void composingTwoPartsGivesTheCrcOfTheWhole() {
    byte[] data = new byte[100_003];
    new Random(1).nextBytes(data);
    int whole = crcOf(data, 0, data.length);
    for (int cut : new int[] {0, 1, 4096, 65_536, 99_999, data.length}) {
      int composed = FileCrc.compose(crcOf(data, 0, cut), crcOf(data, cut, data.length),
          data.length - cut);
      assertThat(composed).as("cut at " + cut).isEqualTo(whole);
    }
  }

  @Test
  void aComputationStoppedAtEveryChunkStillGivesTheWholeFilesCrc() throws Exception {
    byte[] data = new byte[10_000];
    new Random(2).nextBytes(data);
    java.nio.file.Path f = dir.resolve("f.bin");
    Files.write(f, data);
    Path p = new Path(f.toUri());
    FileCrc crc = new FileCrc(777);

    FileCrc.Progress step = crc.continueFrom(fs, p, data.length, 0, 0, System.nanoTime() - 1);
    int calls = 1;
    assertThat(step.complete()).isFalse();
    assertThat(step.offset()).as("one chunk per call when the deadline has passed")
        .isBetween(1L, 777L);
    while (!step.complete()) {
      step = crc.continueFrom(fs, p, data.length, step.offset(), step.crc32c(),
          System.nanoTime() - 1);
      calls++;
    }
    assertThat(calls).as("the last chunk reads on to the end").isGreaterThanOrEqualTo(13);
    assertThat(step.offset()).isEqualTo(data.length);
    assertThat(step.crc32c()).isEqualTo(crcOf(data, 0, data.length));
    assertThat(crc.whole(fs, p)).isEqualTo(crcOf(data, 0, data.length));
  }

  @Test
  void aFileThatFitsIsFinishedInOneCallEvenPastTheDeadline() throws Exception {
    byte[] data = new byte[500];
    new Random(3).nextBytes(data);
    java.nio.file.Path f = dir.resolve("small.bin");
    Files.write(f, data);
    FileCrc.Progress p = new FileCrc(777).continueFrom(fs, new Path(f.toUri()), data.length, 0,
        0, System.nanoTime() - 1);
    assertThat(p.complete()).isTrue();
    assertThat(p.crc32c()).isEqualTo(crcOf(data, 0, data.length));
  }

  @Test
  void anEmptyFileHasCrcZero() throws Exception {
    java.nio.file.Path f = Files.createFile(dir.resolve("empty"));
    assertThat(new FileCrc(64).whole(fs, new Path(f.toUri()))).isZero();
  }
}
