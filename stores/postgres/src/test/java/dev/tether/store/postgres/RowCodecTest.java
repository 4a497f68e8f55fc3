package dev.tether.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.SessionOptions;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The JSON the store keeps session options in, including rows an older version wrote. */
class RowCodecTest {
  @Test
  void sessionOptions_everyOptionRoundTrips() {
    SessionOptions options = SessionOptions.builder().manageConnections(false).waitForConnections(true)
        .callbackUrl(URI.create("https://app.example/done")).toolkits("gmail", "github")
        .pinAccount("gmail", "ca_1").multiAccount(3).build();
    assertThat(RowCodec.options(RowCodec.options(options))).isEqualTo(options);
    SessionOptions defaults = SessionOptions.defaults();
    assertThat(RowCodec.options(RowCodec.options(defaults))).isEqualTo(defaults);
  }

  @Test
  void sessionOptions_writtenBeforeTheWaitOptionWasStored_readWithoutIt() {
    SessionOptions read = RowCodec.options("{\"manageConnections\":true,\"enabled\":[],\"disabled\":[\"slack\"],"
        + "\"pinned\":{},\"maxAccounts\":1}");
    assertThat(read).isEqualTo(SessionOptions.builder().disableToolkits("slack").build());
    assertThat(read.waitForConnections()).isFalse();
  }
}
