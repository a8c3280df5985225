package org.mirrorfs.engine.tools.verify;

import java.util.ArrayList;
import java.util.List;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;
import org.mirrorfs.protocol.message.ControlMessages.RecordStatus;

/**
 * Whether a pair is quiet enough to compare its stores (claim 4: "once destage is quiet"):
 * nothing left to destage at either site, no file unfinished at either site, and the secondary
 * has applied to its store every entry the primary logged, and the primary's link is live with
 * nothing left in its record.
 */
public final class Quiescence {
  private Quiescence() {}

  /** Why the pair is not quiet, one reason per site and cause; empty when it is quiet. */
  public static List<String> reasons(EngineStatusReply primary, EngineStatusReply secondary) {
    List<String> reasons = new ArrayList<>();
    for (EngineStatusReply s : List.of(primary, secondary)) {
      if (s.destageLagBytes() > 0) {
        reasons.add("site " + s.site() + " has " + s.destageLagBytes()
            + " bytes not yet destaged");
      }
      if (s.dirtyFiles() > 0) {
        reasons.add("site " + s.site() + " has " + s.dirtyFiles() + " file"
            + (s.dirtyFiles() == 1 ? "" : "s") + " not finished in its store");
      }
    }
    RecordStatus record = primary.record();
    if (record != null && !record.link().isEmpty()) {
      if (!record.link().equals("live")) {
        reasons.add("site " + primary.site() + "'s link to " + secondary.site() + " is "
            + record.link() + (record.solo() ? " (acknowledging solo)" : ""));
      }
      if (record.dirtyBytes() > 0) {
        reasons.add("site " + primary.site() + "'s record holds " + record.dirtyBytes()
            + " bytes that site " + secondary.site() + " has not destaged");
      }
    }
    if (secondary.appliedSeq() < primary.loggedSeq()) {
      reasons.add("site " + secondary.site() + " has applied log entries up to "
          + secondary.appliedSeq() + " of the " + primary.loggedSeq() + " that site "
          + primary.site() + " logged");
    }
    return reasons;
  }
}
