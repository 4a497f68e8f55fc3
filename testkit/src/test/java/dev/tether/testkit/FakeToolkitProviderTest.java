package dev.tether.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.tether.core.ConnectionRequest;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.ToolkitDescriptor;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FakeToolkitProviderTest {
  private final FakeToolkitProvider fake = FakeToolkitProvider.builder().oauth2("gmail", "Gmail").build();

  private Tether engine(boolean connectLinks) {
    Tether.Builder b = Tether.builder().redirectUri(URI.create("https://app.test/cb")).clock(TestClock.standing())
        .discoverProviders(false).provider(fake);
    if (connectLinks) {
      b.connectBaseUrl(URI.create("https://app.test/link"));
    }
    return b.build();
  }

  @Test
  void approve_resolvesAConnectLinkThroughTheEngine() {
    Tether tether = engine(true);
    ConnectionRequest r = tether.createSession("u").authorize("gmail");
    assertThat(r.redirectUrl().getPath()).startsWith("/link/ln_");
    assertThatIllegalArgumentException().isThrownBy(() -> FakeToolkitProvider.approve(r.redirectUrl(), "c"))
        .withMessageContaining("approve(tether, link, code)");
    assertThat(tether.handleCallback(FakeToolkitProvider.approve(tether, r.redirectUrl(), "c")).successful()).isTrue();
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
  }

  @Test
  void approveAndDeny_withTheEngine_alsoTakeDirectLinks() {
    Tether tether = engine(false);
    Session session = tether.createSession("u");
    ConnectionRequest denied = session.authorize("gmail");
    assertThat(tether.handleCallback(FakeToolkitProvider.deny(tether, denied.redirectUrl(), "access_denied"))
        .successful()).isFalse();
    assertThat(tether.account(denied.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.FAILED);
    ConnectionRequest approved = session.authorize("gmail");
    assertThat(tether.handleCallback(FakeToolkitProvider.approve(tether, approved.redirectUrl(), "c")).successful())
        .isTrue();
  }

  @Test
  void approve_ofAFinishedConnectLink_saysWhy() {
    Tether tether = engine(true);
    ConnectionRequest r = tether.createSession("u").authorize("gmail");
    tether.handleCallback(FakeToolkitProvider.approve(tether, r.redirectUrl(), "c"));
    assertThatIllegalArgumentException().isThrownBy(() -> FakeToolkitProvider.approve(tether, r.redirectUrl(), "c"))
        .withMessageContaining("pending connect link");
  }

  @Test
  void recordsRequests_requiresIssuerWhenTold_andServesAnyDescriptor() {
    FakeToolkitProvider custom = FakeToolkitProvider.builder()
        .toolkit(new ToolkitDescriptor("helpdesk", "Helpdesk", AuthScheme.OAUTH2)).build();
    custom.requireIssuer("helpdesk");
    Tether tether = Tether.builder().redirectUri(URI.create("https://app.test/cb")).clock(TestClock.standing())
        .discoverProviders(false).provider(custom).build();
    ConnectionRequest r = tether.createSession("u").authorize("helpdesk");
    assertThat(custom.authorizeRequests()).singleElement().satisfies(a -> assertThat(a.userId()).isEqualTo("u"));

    Map<String, String> withoutIssuer = new HashMap<>(FakeToolkitProvider.approve(r.redirectUrl(), "c"));
    withoutIssuer.remove("iss");
    assertThat(tether.handleCallback(withoutIssuer).error()).contains("missing_issuer");
    assertThat(custom.exchangeRequests()).isEmpty();
    assertThat(FakeToolkitProvider.deny(r.redirectUrl(), "access_denied", "no thanks"))
        .containsEntry("error_description", "no thanks");
  }

  @Test
  void recordRequests_false_countsButKeepsNoRequests() {
    FakeToolkitProvider quiet = FakeToolkitProvider.builder().oauth2("gmail", "Gmail").recordRequests(false).build();
    Tether tether = Tether.builder().redirectUri(URI.create("https://app.test/cb")).clock(TestClock.standing())
        .discoverProviders(false).provider(quiet).build();
    ConnectionRequest r = tether.createSession("u").authorize("gmail");
    assertThat(tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c")).successful()).isTrue();
    assertThat(quiet.authorizeCount()).isEqualTo(1);
    assertThat(quiet.exchangeCount()).isEqualTo(1);
    assertThat(quiet.authorizeRequests()).isEmpty();
    assertThat(quiet.exchangeRequests()).isEmpty();
  }
}
