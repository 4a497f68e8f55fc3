package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.tether.spi.ProviderException;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BEHAVIOUR.md §6: the callback, row by row. */
class CallbackTest {
  private static final URI CALLBACK = URI.create("https://your-app.com/callback?user_id=user_123&source=onboarding");

  private final TestClock clock = TestClock.standing();
  private FakeToolkitProvider provider;
  private Tether tether;
  private Session session;

  @BeforeEach
  void setUp() {
    provider = TestEngines.standardProvider();
    tether = TestEngines.builder(provider, clock).allowedCallbackOrigins("https://your-app.com").build();
    session = tether.createSession("user_123", SessionOptions.builder().callbackUrl(CALLBACK).build());
  }

  @Test
  void missingState_failsWithoutRedirectOrProviderCall() {
    ConnectionRequest r = session.authorize("gmail");
    CallbackResult result = tether.handleCallback(Map.of("code", "abc"));
    assertThat(result.successful()).isFalse();
    assertThat(result.redirectUrl()).isEmpty();
    assertThat(result.connectedAccountId()).isEmpty();
    assertThat(result.error()).contains("missing_state");
    assertThat(provider.exchangeCount()).isEqualTo(0);
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.INITIATED);
  }

  @Test
  void unknownState_failsWithoutRedirectOrProviderCall() {
    ConnectionRequest r = session.authorize("gmail");
    CallbackResult result = tether.handleCallback(Map.of("state", "forged-state-value", "code", "abc"));
    assertThat(result.successful()).isFalse();
    assertThat(result.redirectUrl()).isEmpty();
    assertThat(result.error()).contains("unknown_state");
    assertThat(provider.exchangeCount()).isEqualTo(0);
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.INITIATED);
  }

  @Test
  void stateOlderThanLinkTtl_isUnknown_noRedirect() {
    ConnectionRequest r = session.authorize("gmail");
    clock.advance(Duration.ofMinutes(10));
    CallbackResult result = tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "late"));
    assertThat(result.successful()).isFalse();
    assertThat(result.redirectUrl()).isEmpty();
    assertThat(provider.exchangeCount()).isEqualTo(0);
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.EXPIRED);
  }

  @Test
  void code_exchangesAndActivates_redirectsWithSuccess() {
    ConnectionRequest r = session.authorize("gmail");
    CallbackResult result = tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "the-code"));
    assertThat(result.successful()).isTrue();
    assertThat(result.status()).contains(ConnectionStatus.ACTIVE);
    assertThat(result.connectedAccountId()).contains(r.id());
    assertThat(result.redirectUrl()).contains(URI.create(
        "https://your-app.com/callback?user_id=user_123&source=onboarding&status=success&connected_account_id=" + r.id()));
    assertThat(provider.exchangeCount()).isEqualTo(1);
    assertThat(provider.exchangeRequests().get(0).parameter("code")).contains("the-code");
    assertThat(provider.exchangeRequests().get(0).redirectUri()).isEqualTo(TestEngines.REDIRECT_URI);
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
  }

  @Test
  void exchange_getsEveryCallbackParameterButTheState() {
    ConnectionRequest r = session.authorize("gmail");
    Map<String, String> params = new HashMap<>(FakeToolkitProvider.approve(r.redirectUrl(), "the-code"));
    params.put("realmId", "4620816365");
    params.put("scope", "a b");
    assertThat(params).containsKeys("state", "code");
    Map<String, String> expected = new HashMap<>(params);
    expected.remove("state");
    assertThat(tether.handleCallback(params).successful()).isTrue();
    assertThat(provider.exchangeRequests().get(0).parameters())
        .isEqualTo(expected).containsEntry("realmId", "4620816365").containsEntry("scope", "a b");
  }

  @Test
  void parameterWithANullNameOrValue_isAbsent_theCallbackStillCompletes() {
    ConnectionRequest r = session.authorize("gmail");
    Map<String, String> params = new HashMap<>(FakeToolkitProvider.approve(r.redirectUrl(), "the-code"));
    params.put("scope", null);
    params.put("error", null); // as a host putting request.getParameter("error") would
    params.put(null, "x");
    CallbackResult result = tether.handleCallback(params);
    assertThat(result.successful()).isTrue();
    assertThat(provider.exchangeRequests().get(0).parameters()).containsOnlyKeys("code", "iss");
  }

  @Test
  void exchange_getsEveryParameter_ofAMapThatGrewSinceItsSizeWasRead() {
    ConnectionRequest r = session.authorize("gmail");
    Map<String, String> grown = new HashMap<>(FakeToolkitProvider.approve(r.redirectUrl(), "the-code"));
    grown.put("realmId", "4620816365");
    Map<String, String> params = new java.util.AbstractMap<>() {
      @Override
      public int size() {
        return 1; // a concurrent map's size, read before two more entries came
      }

      @Override
      public java.util.Set<Entry<String, String>> entrySet() {
        return grown.entrySet();
      }
    };
    assertThat(tether.handleCallback(params).successful()).isTrue();
    assertThat(provider.exchangeRequests().get(0).parameters()).containsEntry("code", "the-code")
        .containsEntry("realmId", "4620816365").doesNotContainKey("state");
  }

  @Test
  void replayedState_noSecondExchange_sameOutcome() {
    ConnectionRequest r = session.authorize("gmail");
    Map<String, String> params = FakeToolkitProvider.approve(r.redirectUrl(), "once");
    CallbackResult first = tether.handleCallback(params);
    clock.advance(Duration.ofMinutes(3));
    CallbackResult second = tether.handleCallback(params);
    assertThat(second).isEqualTo(first);
    assertThat(provider.exchangeCount()).isEqualTo(1);
  }

  @Test
  void replayAfterProviderError_getsFirstFailedOutcome() {
    ConnectionRequest r = session.authorize("gmail");
    CallbackResult first = tether.handleCallback(TestEngines.deny(r.redirectUrl(), "access_denied"));
    CallbackResult second = tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "sneaky"));
    assertThat(second).isEqualTo(first);
    assertThat(provider.exchangeCount()).isEqualTo(0);
  }

  @Test
  void providerError_failsAccountWithCodeOnly_redirectsFailed() {
    ConnectionRequest r = session.authorize("gmail");
    CallbackResult result = tether.handleCallback(TestEngines.deny(r.redirectUrl(), "access_denied"));
    assertThat(result.successful()).isFalse();
    assertThat(result.redirectUrl()).get().asString().endsWith("&status=failed&connected_account_id=" + r.id())
        .doesNotContain("token").doesNotContain("said");
    ConnectedAccount account = tether.account(r.id()).orElseThrow();
    assertThat(account.status()).isEqualTo(ConnectionStatus.FAILED);
    assertThat(account.statusReason()).contains("access_denied");
    assertThat(provider.exchangeCount()).isEqualTo(0);
  }

  @Test
  void providerErrorCode_isSanitised_descriptionNeverReflected() {
    ConnectionRequest r = session.authorize("gmail");
    Map<String, String> params = new HashMap<>(TestEngines.deny(r.redirectUrl(), "<script>alert(1)</script>"));
    CallbackResult result = tether.handleCallback(params);
    assertThat(result.error()).contains("provider_error");
    assertThat(tether.account(r.id()).orElseThrow().statusReason()).contains("provider_error");
  }

  @Test
  void bothCodeAndError_errorWins_noExchange() {
    ConnectionRequest r = session.authorize("gmail");
    Map<String, String> params = new HashMap<>(FakeToolkitProvider.approve(r.redirectUrl(), "c"));
    params.put("error", "access_denied");
    assertThat(tether.handleCallback(params).successful()).isFalse();
    assertThat(provider.exchangeCount()).isEqualTo(0);
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.FAILED);
  }

  @Test
  void neitherCodeNorError_rejected_accountUntouched() {
    ConnectionRequest r = session.authorize("gmail");
    CallbackResult result = tether.handleCallback(Map.of("state", FakeToolkitProvider.stateOf(r.redirectUrl())));
    assertThat(result.successful()).isFalse();
    assertThat(result.redirectUrl()).isEmpty();
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.INITIATED);
    assertThat(tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "later")).successful())
        .as("the flow is still open").isTrue();
  }

  @Test
  void linkSuperseded_redirectsFailed_noExchange() {
    ConnectionRequest old = session.authorize("gmail");
    session.authorize("gmail");
    CallbackResult result = tether.handleCallback(FakeToolkitProvider.approve(old.redirectUrl(), "c"));
    assertThat(result.successful()).isFalse();
    assertThat(result.status()).contains(ConnectionStatus.EXPIRED);
    assertThat(result.redirectUrl()).get().asString().contains("status=failed");
    assertThat(provider.exchangeCount()).isEqualTo(0);
  }

  @Test
  void issuerMismatch_fails() {
    ConnectionRequest r = session.authorize("gmail");
    Map<String, String> params = new HashMap<>(FakeToolkitProvider.approve(r.redirectUrl(), "c"));
    params.put("iss", "https://evil.example");
    CallbackResult result = tether.handleCallback(params);
    assertThat(result.successful()).isFalse();
    assertThat(result.error()).contains("issuer_mismatch");
    assertThat(provider.exchangeCount()).isEqualTo(0);
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.FAILED);
  }

  @Test
  void issuerAbsent_isAccepted() {
    ConnectionRequest r = session.authorize("gmail");
    Map<String, String> params = new HashMap<>(FakeToolkitProvider.approve(r.redirectUrl(), "c"));
    params.remove("iss");
    assertThat(tether.handleCallback(params).successful()).isTrue();
  }

  @Test
  void issuerAbsent_whenTheProviderRequiresIt_failsWithoutExchange() {
    provider.requireIssuer("gmail");
    ConnectionRequest r = session.authorize("gmail");
    Map<String, String> params = new HashMap<>(FakeToolkitProvider.approve(r.redirectUrl(), "c"));
    params.remove("iss");
    CallbackResult result = tether.handleCallback(params);
    assertThat(result.successful()).isFalse();
    assertThat(result.error()).contains("missing_issuer");
    assertThat(provider.exchangeCount()).isEqualTo(0);
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.FAILED);

    ConnectionRequest again = session.authorize("gmail");
    assertThat(tether.handleCallback(FakeToolkitProvider.approve(again.redirectUrl(), "c")).successful())
        .as("with the right iss").isTrue();
  }

  @Test
  void definitiveExchangeFailure_failsAccount() {
    provider.onExchange(req -> {
      throw ProviderException.definitive("invalid_grant", "code rejected");
    });
    ConnectionRequest r = session.authorize("gmail");
    CallbackResult result = tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c"));
    assertThat(result.successful()).isFalse();
    assertThat(result.redirectUrl()).get().asString().contains("status=failed");
    assertThat(tether.account(r.id()).orElseThrow().statusReason()).contains("invalid_grant");
  }

  @Test
  void transientExchangeFailure_keepsInitiated_retrySucceeds() {
    provider.onExchange(req -> {
      throw ProviderException.transientFailure("http_503", "try later");
    });
    ConnectionRequest r = session.authorize("gmail");
    Map<String, String> params = FakeToolkitProvider.approve(r.redirectUrl(), "c");
    CallbackResult first = tether.handleCallback(params);
    assertThat(first.successful()).isFalse();
    assertThat(first.status()).contains(ConnectionStatus.INITIATED);
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.INITIATED);

    provider.onExchange(TestEngines::tokenFor);
    assertThat(tether.handleCallback(params).successful()).isTrue();
    assertThat(provider.exchangeCount()).isEqualTo(2);
  }

  @Test
  void providerBug_failsAccount_engineKeepsWorking() {
    provider.onExchange(req -> {
      throw new NullPointerException("bug");
    });
    ConnectionRequest r = session.authorize("gmail");
    assertThat(tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c")).error()).contains("provider_error");
    assertThat(session.authorize("gmail").status()).isEqualTo(ConnectionStatus.INITIATED);
  }

  @Test
  void noCallbackUrl_noRedirect() {
    Session plain = tether.createSession("user_9");
    ConnectionRequest r = plain.authorize("gmail");
    CallbackResult result = tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c"));
    assertThat(result.successful()).isTrue();
    assertThat(result.redirectUrl()).isEmpty();
  }

  @Test
  void authorizeCallbackUrl_winsOverSessions() {
    ConnectionRequest r = session.authorize("gmail", URI.create("https://your-app.com/settings#done"));
    CallbackResult result = tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c"));
    assertThat(result.redirectUrl()).contains(URI.create(
        "https://your-app.com/settings?status=success&connected_account_id=" + r.id() + "#done"));
  }

  @Test
  void redirect_neverCarriesCodeOrState() {
    ConnectionRequest r = session.authorize("gmail");
    Map<String, String> params = FakeToolkitProvider.approve(r.redirectUrl(), "secret-code");
    String redirect = tether.handleCallback(params).redirectUrl().orElseThrow().toString();
    assertThat(redirect).doesNotContain("secret-code").doesNotContain(params.get("state"))
        .doesNotContain("access-");
  }

  @Test
  void callbackUrl_validatedWhenGiven_nothingStored() {
    for (String bad : new String[] {"javascript:alert(1)", "/relative/path", "https://user:pw@your-app.com/cb",
        "ftp://your-app.com/cb", "https://your-app.com/cb%0d%0aSet-Cookie:x"}) {
      assertThatIllegalArgumentException().as(bad)
          .isThrownBy(() -> session.authorize("gmail", URI.create(bad)))
          .withMessageContaining("Invalid callbackUrl");
      assertThatIllegalArgumentException().as(bad)
          .isThrownBy(() -> tether.createSession("u", SessionOptions.builder().callbackUrl(URI.create(bad)).build()));
    }
    assertThat(tether.accounts(AccountQuery.all())).isEmpty();
  }

  @Test
  void callbackUrl_outsideAllowedOrigins_rejected() {
    Tether strict = TestEngines.builder(provider, clock).allowedCallbackOrigins("https://your-app.com").build();
    Session s = strict.createSession("u");
    assertThat(s.authorize("gmail", URI.create("https://YOUR-APP.com:443/cb")).status())
        .isEqualTo(ConnectionStatus.INITIATED);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> s.authorize("gmail", URI.create("https://evil.example/cb")))
        .withMessageContaining("not an allowed callback origin")
        .withMessageContaining("allowedCallbackOrigins(\"https://evil.example\")");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> strict.createSession("u", SessionOptions.builder()
            .callbackUrl(URI.create("http://your-app.com/cb")).build()));
    assertThat(strict.accounts(AccountQuery.all())).hasSize(1);
  }

  @Test
  void callbackUrl_byDefault_onlyTheOriginsOfTheRedirectUriAndConnectBase() {
    Tether defaults = TestEngines.builder(provider, clock).connectBaseUrl(URI.create("https://links.example:8443/ln"))
        .build();
    Session s = defaults.createSession("u");
    assertThat(s.authorize("gmail", URI.create("https://host.example/done")).status()).isEqualTo(ConnectionStatus.INITIATED);
    assertThat(s.authorize("gmail", URI.create("https://links.example:8443/done")).status())
        .isEqualTo(ConnectionStatus.INITIATED);
    for (String foreign : new String[] {"https://evil.example/cb", "http://host.example/cb", "https://links.example/cb",
        "https://host.example.evil.example/cb"}) {
      assertThatIllegalArgumentException().as(foreign)
          .isThrownBy(() -> s.authorize("gmail", URI.create(foreign)))
          .withMessageContaining("not an allowed callback origin");
      assertThatIllegalArgumentException().as(foreign)
          .isThrownBy(() -> defaults.createSession("u", SessionOptions.builder().callbackUrl(URI.create(foreign)).build()));
    }
    assertThat(defaults.accounts(AccountQuery.all())).hasSize(2);
  }

  @Test
  void callbackUrl_anyOrigin_onlyWhenTheHostOptsOut() {
    Tether open = TestEngines.builder(provider, clock).allowAnyCallbackOrigin().build();
    assertThat(open.createSession("u").authorize("gmail", URI.create("https://anywhere.example/cb")).status())
        .isEqualTo(ConnectionStatus.INITIATED);
    assertThatIllegalStateException().isThrownBy(() -> Tether.builder().allowAnyCallbackOrigin()
        .allowedCallbackOrigins("https://your-app.com"));
    assertThatIllegalStateException().isThrownBy(() -> Tether.builder().allowedCallbackOrigins("https://your-app.com")
        .allowAnyCallbackOrigin());
  }

  @Test
  void callbackUrl_withItsOwnStatusOrAccountId_isRefused_nothingStored() {
    for (String forged : new String[] {"https://your-app.com/cb?status=success",
        "https://your-app.com/cb?a=1&connected_account_id=ca_forged", "https://your-app.com/cb?st%61tus=success"}) {
      assertThatIllegalArgumentException().as(forged)
          .isThrownBy(() -> session.authorize("gmail", URI.create(forged)))
          .withMessageContaining("already has a '");
      assertThatIllegalArgumentException().as(forged)
          .isThrownBy(() -> tether.createSession("u", SessionOptions.builder().callbackUrl(URI.create(forged)).build()));
    }
    assertThat(session.authorize("gmail", URI.create("https://your-app.com/cb?statusbar=1")).status())
        .isEqualTo(ConnectionStatus.INITIATED);
    assertThat(tether.accounts(AccountQuery.all())).hasSize(1);
  }
}
