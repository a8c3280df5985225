package org.mirrorfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.AbstractFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.token.Token;
import org.apache.hadoop.security.token.TokenIdentifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Delegation tokens: mirror:// declares that it issues none, and Hadoop's token collection,
 * through FileSystem and through the AbstractFileSystem binding, returns none for it without
 * contacting an engine. The engine address below is a closed port: any call would fail.
 */
class TestMirrorDelegationTokens {
  private static final URI CLUSTER = URI.create("mirror://tokens-test/");
  private FileSystem fs;

  static Configuration offlineConf() {
    Configuration conf = new Configuration();
    conf.set(ClientConfigKeys.ENGINES, "127.0.0.1:1");
    conf.set(ClientConfigKeys.CONNECT_TIMEOUT, "1s");
    conf.setBoolean("fs.mirror.impl.disable.cache", true);
    conf.set("fs.AbstractFileSystem.mirror.impl", MirrorFs.class.getName());
    return conf;
  }

  @BeforeEach
  void open() throws Exception {
    fs = FileSystem.newInstance(CLUSTER, offlineConf());
  }

  @AfterEach
  void close() throws Exception {
    fs.close();
  }

  @Test
  void hasNoCanonicalServiceName() {
    assertThat(fs).isInstanceOf(MirrorFileSystem.class);
    assertThat(fs.getCanonicalServiceName()).isNull();
  }

  @Test
  void embedsNoChildFileSystems() {
    assertThat(fs.getChildFileSystems()).isNull();
  }

  @Test
  void issuesNoDelegationToken() throws Exception {
    assertThat(fs.getDelegationToken("renewer")).isNull();
  }

  @Test
  void addDelegationTokensAddsNoneAndKeepsTheCredentialsItWasGiven() throws Exception {
    Credentials creds = new Credentials();
    Token<TokenIdentifier> other = new Token<>(new byte[] {1}, new byte[] {2},
        new Text("OTHER_KIND"), new Text("other-service:8020"));
    creds.addToken(other.getService(), other);

    Token<?>[] added = fs.addDelegationTokens("renewer", creds);

    assertThat(added).isEmpty();
    assertThat(creds.numberOfTokens()).isEqualTo(1);
    assertThat(creds.getToken(new Text("other-service:8020"))).isEqualTo(other);
  }

  @Test
  void addDelegationTokensAcceptsNoCredentials() throws Exception {
    assertThat(fs.addDelegationTokens("renewer", null)).isEmpty();
  }

  @Test
  void abstractFileSystemBindingGetsNoTokensAndNoServiceName() throws Exception {
    AbstractFileSystem afs = AbstractFileSystem.get(CLUSTER, offlineConf());
    assertThat(afs).isInstanceOf(MirrorFs.class);
    List<Token<?>> tokens = afs.getDelegationTokens("renewer");
    assertThat(tokens).isEmpty();
    assertThat(afs.getCanonicalServiceName()).isNull();
  }
}
