package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.util.function.Predicate;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.protocol.message.ControlMessages.RecordStatus;

/**
 * Claims 14-19: the primary tells the secondary what it has destaged, and the secondary keeps a
 * record of what it received that the primary's store does not hold yet (what an old primary
 * would lack after a failure), cleared by those messages.
 */
class ITestReverseRecord extends SharedClusterTest {
  private static RecordStatus awaitSecondary(String what, Predicate<RecordStatus> p)
      throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    RecordStatus r = cluster.status(SECONDARY).record();
    while (!p.test(r)) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("secondary's reverse record did not reach '" + what + "': " + r);
      }
      Thread.sleep(20);
      r = cluster.status(SECONDARY).record();
    }
    return r;
  }

  @Test
  void theSecondaryRecordsWhatThePrimaryHasNotDestaged() throws Exception {
    cluster.awaitQuiesced(120_000);
    assertThat(cluster.status(SECONDARY).record().link()).isEqualTo("follower");
    long length = 3L << 20;
    cluster.fault(PRIMARY, FaultPoints.DESTAGE_WRITE, "hold");
    try {
      TestData.writeFile(fs, new Path("/reverse/held.bin"), 21, length);
      RecordStatus held = awaitSecondary("3 MiB the primary lacks",
          r -> r.dirtyBytes() >= length);
      assertThat(held.dirtyFiles()).isGreaterThanOrEqualTo(1);
      // The primary's store does not have them: nothing may clear them yet.
      Thread.sleep(500);
      assertThat(cluster.status(SECONDARY).record().dirtyBytes()).isGreaterThanOrEqualTo(length);
    } finally {
      cluster.fault(PRIMARY, FaultPoints.DESTAGE_WRITE, "release");
    }
    RecordStatus after = awaitSecondary("empty once the primary destaged",
        r -> r.dirtyBytes() == 0 && r.pendingOps() == 0);
    assertThat(after.dirtyFiles()).isZero();
    TestData.verifyFile(fs, new Path("/reverse/held.bin"), 21, length);
  }
}
