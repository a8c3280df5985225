package org.mirrorfs.fs;

import java.io.IOException;
import java.util.EnumSet;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.Path;
import org.mirrorfs.protocol.AckMode;

/**
 * {@code fs.createFile(path).opt("mirror.ack.mode", "destage").build()}: a create whose ack mode
 * is chosen per file. An unknown mode is refused; so is any other mandatory option.
 */
public final class MirrorCreateBuilder
    extends FSDataOutputStreamBuilder<FSDataOutputStream, MirrorCreateBuilder> {
  private final MirrorFileSystem fs;

  MirrorCreateBuilder(MirrorFileSystem fs, Path path) {
    super(fs, path);
    this.fs = fs;
  }

  @Override
  public MirrorCreateBuilder getThisBuilder() {
    return this;
  }

  @Override
  public FSDataOutputStream build() throws IOException {
    for (String key : getMandatoryKeys()) {
      if (!key.equals(MirrorFileSystem.ACK_MODE_OPTION)) {
        throw new IllegalArgumentException("create " + getPath()
            + ": unsupported mandatory option " + key);
      }
    }
    String mode = getOptions().getTrimmed(MirrorFileSystem.ACK_MODE_OPTION);
    AckMode ackMode;
    try {
      ackMode = mode == null ? fs.defaultAckMode() : AckMode.parse(mode);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("create " + getPath() + ": " + e.getMessage(), e);
    }
    EnumSet<CreateFlag> flags = getFlags();
    if (flags.contains(CreateFlag.APPEND)) {
      if (fs.exists(getPath())) {
        return fs.append(getPath());
      }
      if (!flags.contains(CreateFlag.CREATE)) {
        throw new java.io.FileNotFoundException("append " + getPath() + ": no such file");
      }
    }
    return fs.create(getPath(), getPermission(), flags.contains(CreateFlag.OVERWRITE),
        getReplication(), getBlockSize(), ackMode);
  }
}
