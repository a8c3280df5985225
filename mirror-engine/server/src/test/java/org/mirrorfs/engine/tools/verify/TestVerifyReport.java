package org.mirrorfs.engine.tools.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorfs.engine.tools.verify.Difference.Kind;

class TestVerifyReport {

  @Test
  void identicalTextSaysSoWithTotals() {
    VerifyReport r = new VerifyReport("c", 0, "/", "a", "b", 10);
    r.finish(new ManifestComparator.Summary(12, 0), 300, 300, List.of());
    assertThat(r.text()).isEqualTo("verify of cluster c shard 0, /: site a (primary) against "
        + "site b (secondary)\nidentical: 12 paths, 300 bytes read at site a, 300 at site b\n");
  }

  @Test
  void differencesAreListedUpToTheCapAndAllCounted() {
    VerifyReport r = new VerifyReport("c", 0, "/d", "a", "b", 2);
    r.difference(new Difference(Kind.LENGTH, "/d/f", "1 byte", "2 bytes"));
    r.difference(new Difference(Kind.MISSING, "/d/g", "file of 3 bytes", null));
    r.difference(new Difference(Kind.PERMISSION, "/d/h", "0644", "0600"));
    r.finish(new ManifestComparator.Summary(4, 3), 6, 3, List.of("site a logged entries 5 to 6"));
    String text = r.text();
    assertThat(text).contains("length differs: /d/f (site a: 1 byte, site b: 2 bytes)\n")
        .contains("missing on site b: /d/g (site a: file of 3 bytes)\n")
        .doesNotContain("/d/h")
        .contains("... and 1 more difference not listed\n")
        .contains("warning: the pair changed while verify ran (site a logged entries 5 to 6)")
        .endsWith("DIFFERENT: 3 differences in 4 paths, 6 bytes read at site a, 3 at site b\n");
  }

  @Test
  void jsonCarriesEveryFieldAndEscapesPaths() {
    VerifyReport r = new VerifyReport("c", 1, "/", "east", "west", 10);
    r.difference(new Difference(Kind.CONTENT, "/q\"uote\\back\nline", "crc32c 00000001",
        "crc32c 00000002"));
    r.difference(new Difference(Kind.MISSING, "/gone", null, "directory"));
    r.finish(new ManifestComparator.Summary(5, 2), 10, 11, List.of());
    assertThat(r.json()).isEqualTo("{\"cluster\":\"c\",\"shard\":1,\"path\":\"/\","
        + "\"primary\":\"east\",\"secondary\":\"west\",\"identical\":false,\"paths\":5,"
        + "\"bytesRead\":{\"east\":10,\"west\":11},\"differenceCount\":2,\"differences\":["
        + "{\"kind\":\"content\",\"path\":\"/q\\\"uote\\\\back\\nline\",\"values\":{\"east\":"
        + "\"crc32c 00000001\",\"west\":\"crc32c 00000002\"}},"
        + "{\"kind\":\"missing\",\"path\":\"/gone\",\"values\":{\"east\":null,\"west\":"
        + "\"directory\"}}],\"changedDuringVerify\":[]}\n");
  }
}
