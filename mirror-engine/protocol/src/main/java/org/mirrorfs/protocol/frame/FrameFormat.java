package org.mirrorfs.protocol.frame;

/**
 * Frame layout, all big-endian:
 *
 * <pre>
 *   int  frameLength    bytes that follow this field
 *   int  shard
 *   long epoch
 *   int  messageLength  Kryo bytes of the message
 *   ...  message
 *   ...  payload        frameLength - 16 - messageLength raw bytes (file data, never through Kryo)
 * </pre>
 */
public final class FrameFormat {
  /** Bytes of shard + epoch + messageLength, counted in frameLength. */
  public static final int FIXED_HEADER = 4 + 8 + 4;
  /** Bytes read before the message: frameLength plus the fixed header. */
  public static final int PREFIX = 4 + FIXED_HEADER;
  /** Largest encoded message (a page of listing entries fits comfortably). */
  public static final int MAX_MESSAGE = 4 << 20;
  /** Largest payload a frame may carry. */
  public static final int MAX_PAYLOAD = 16 << 20;

  private FrameFormat() {}
}
