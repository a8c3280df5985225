package org.mirrorfs.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts ZooKeeper write transactions by the server's last zxid (its four-letter "stat"
 * command): every create, setData, delete and session change takes one zxid, reads take none.
 */
final class ZkWriteCounter {
  private static final Pattern ZXID = Pattern.compile("Zxid: 0x([0-9a-fA-F]+)");

  private final InetSocketAddress server;

  ZkWriteCounter(InetSocketAddress server) {
    this.server = server;
  }

  /** The server's last zxid counter (low 32 bits: transactions of the current epoch). */
  long lastZxid() throws IOException {
    try (Socket s = new Socket()) {
      s.connect(server, 5_000);
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write("stat".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      Matcher m = ZXID.matcher(reply);
      if (!m.find()) {
        throw new IOException("ZooKeeper 'stat' reply has no Zxid line: " + reply);
      }
      return Long.parseLong(m.group(1), 16) & 0xffff_ffffL;
    }
  }
}
