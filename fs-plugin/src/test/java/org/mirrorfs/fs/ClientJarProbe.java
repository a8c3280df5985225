package org.mirrorfs.fs;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Run in a JVM whose classpath is Hadoop (with its own, unrelocated Curator, ZooKeeper, Guava
 * and Netty) plus the client jar only: the scheme resolves, relocated Kryo encodes messages,
 * and a call fails cleanly for want of an engine.
 */
public final class ClientJarProbe {
  private ClientJarProbe() {}

  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration();
    conf.set("mirror.engines", "127.0.0.1:1");
    conf.set("mirror.client.connect.timeout", "2s");
    // A client keeps trying to reach a primary for this long before a call fails.
    conf.set("mirror.client.failover.timeout", "1s");
    FileSystem fs = FileSystem.get(URI.create("mirror://probe/"), conf);
    String source = fs.getClass().getProtectionDomain().getCodeSource().getLocation().toString();
    if (!fs.getClass().getName().equals("org.mirrorfs.fs.MirrorFileSystem")
        || !source.endsWith("-client.jar")) {
      throw new AssertionError("mirror:// resolved to " + fs.getClass() + " from " + source);
    }
    Object kryo = Class.forName("org.mirrorfs.protocol.MessageRegistry").getMethod("newKryo")
        .invoke(null);
    if (!kryo.getClass().getName().startsWith("org.mirrorfs.shaded.")) {
      throw new AssertionError("Kryo is not relocated: " + kryo.getClass());
    }
    try {
      fs.mkdirs(new Path("/x"));
      throw new AssertionError("mkdirs succeeded with no engine");
    } catch (IOException expected) {
      if (!expected.getMessage().contains("no primary engine reachable")) {
        throw expected;
      }
    }
    System.out.println("PROBE OK " + source);
  }
}
