package org.mirrorfs.coordination;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * What an engine publishes about itself: its site, where it listens, its role and epoch.
 * Stored as readable properties text so an operator can inspect it with zkCli.
 */
public record EngineRecord(String site, String host, int port, String role, long epoch) {

  public String address() {
    return host + ":" + port;
  }

  public byte[] toBytes() {
    Properties p = new Properties();
    p.setProperty("site", site);
    p.setProperty("host", host);
    p.setProperty("port", Integer.toString(port));
    p.setProperty("role", role);
    p.setProperty("epoch", Long.toString(epoch));
    StringWriter out = new StringWriter();
    try {
      p.store(out, null);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  public static EngineRecord fromBytes(String where, byte[] data) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(new String(data, StandardCharsets.UTF_8)));
    try {
      return new EngineRecord(require(p, "site", where), require(p, "host", where),
          Integer.parseInt(require(p, "port", where)), require(p, "role", where),
          Long.parseLong(require(p, "epoch", where)));
    } catch (NumberFormatException e) {
      throw new IOException("malformed engine record at " + where + ": " + e.getMessage(), e);
    }
  }

  private static String require(Properties p, String key, String where) throws IOException {
    String v = p.getProperty(key);
    if (v == null) {
      throw new IOException("engine record at " + where + " lacks '" + key + "'");
    }
    return v;
  }
}
