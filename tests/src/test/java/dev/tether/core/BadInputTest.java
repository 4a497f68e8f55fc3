package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input, one named test each: a clear error, and no state change beyond what the contract says. */
class BadInputTest {
  private final TestClock clock = TestClock.standing();
  private FakeToolkitProvider provider;
  private Tether tether;
  private Session session;

  @BeforeEach
  void setUp() {
    provider = TestEngines.standardProvider();
    tether = TestEngines.builder(provider, clock).allowedCallbackOrigins("https://your-app.com").build();
    session = tether.createSession("alice");
  }

  private void assertNothingStored() {
    assertThat(tether.accounts(AccountQuery.all())).isEmpty();
    assertThat(provider.authorizeCount()).isEqualTo(0);
  }

  private void assertCallbackUrlRejected(String url, String why) {
    assertThatIllegalArgumentException().isThrownBy(() -> session.authorize("gmail", URI.create(url)))
        .withMessageContaining("Invalid callbackUrl").withMessageContaining(why);
    assertThatIllegalArgumentException().isThrownBy(() -> tether.createSession("alice",
        SessionOptions.builder().callbackUrl(URI.create(url)).build())).withMessageContaining(why);
    assertNothingStored();
  }

  @Test
  void callbackUrl_javascriptScheme_rejected() {
    assertCallbackUrlRejected("javascript:alert(document.cookie)", "absolute http or https URL");
  }

  @Test
  void callbackUrl_relative_rejected() {
    assertCallbackUrlRejected("/settings/connected", "absolute http or https URL");
  }

  @Test
  void callbackUrl_userInfo_rejected() {
    assertCallbackUrlRejected("https://attacker@your-app.com/cb", "user info");
  }

  @Test
  void callbackUrl_outcomeInTheFragment_rejected() {
    assertCallbackUrlRejected("https://your-app.com/app#status=success", "its fragment has a 'status' parameter");
    assertCallbackUrlRejected("https://your-app.com/app#/done?connected_account_id=ca_forged",
        "its fragment has a 'connected_account_id' parameter");
    assertThat(session.authorize("gmail", URI.create("https://your-app.com/app#/done?tab=apps")).redirectUrl())
        .as("any other fragment is the host's own").isNotNull();
  }

  @Test
  void callbackUrl_userInfo_isMaskedInTheError() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> session.authorize("gmail", URI.create("https://admin:hunter2@your-app.com/cb")))
        .withMessage("Invalid callbackUrl 'https://***@your-app.com/cb': it must not contain user info "
            + "(user:password@)")
        .withMessageNotContaining("hunter2");
    // Authorities java.net.URI does not parse (no user info for it) are masked all the same.
    assertThatIllegalArgumentException()
        .isThrownBy(() -> session.authorize("gmail", URI.create("https://admin:hunter2@my_host.example/cb")))
        .withMessage("Invalid callbackUrl 'https://***@my_host.example/cb': it must name a host");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> session.authorize("gmail", URI.create("https:admin:hunter2@your-app.com/cb")))
        .withMessageStartingWith("Invalid callbackUrl 'https:***@your-app.com/cb': ");
    assertNothingStored();
  }

  @Test
  void callbackUrl_offTheAllowList_rejected() {
    assertCallbackUrlRejected("https://evil.example/cb", "not an allowed callback origin");
  }

  @Test
  void slug_withSpaces_isNotFound() {
    assertThat(session.manageConnections(List.of("g mail"), false).results().get("g mail").errorMessage())
        .get().asString().contains("'g mail' was not found");
    assertThatThrownBy(() -> session.authorize("g mail")).isInstanceOf(UnknownToolkitException.class);
    assertNothingStored();
  }

  @Test
  void slug_blank_saysItIsBlank() {
    assertThatThrownBy(() -> session.authorize("   ")).isInstanceOf(UnknownToolkitException.class)
        .hasMessageStartingWith("The toolkit slug is blank; pass one such as 'gmail'. Available toolkits: ")
        .hasMessageNotContaining("Add a provider");
    assertNothingStored();
  }

  @Test
  void slug_upperCase_isNormalised() {
    assertThat(session.manageConnections(List.of("GMAIL"), false).results()).containsOnlyKeys("gmail");
    assertThat(session.authorize("GitHub").toolkit()).isEqualTo("github");
  }

  @Test
  void slug_unicode_isNotFound() {
    assertThat(session.manageConnections(List.of("gmaıl"), false).results().get("gmaıl").status())
        .isEqualTo(ManageConnectionsResult.Status.FAILED);
    assertThatThrownBy(() -> session.authorize("gmaıl")).isInstanceOf(UnknownToolkitException.class);
    assertNothingStored();
  }

  @Test
  void slug_tenKilobytes_isARequestError_withAShortMessage() {
    String huge = "a".repeat(10_240);
    assertThat(session.execute("COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\":[\"" + huge + "\"]}"))
        .contains("\"successful\":false").contains("10240 characters long").hasSizeLessThan(300);
    assertThatThrownBy(() -> session.authorize(huge)).isInstanceOf(UnknownToolkitException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(2000));
    assertNothingStored();
  }

  @Test
  void callback_tenKilobyteState_isUnknown_noLookupCost() {
    CallbackResult r = tether.handleCallback(Map.of("state", "s".repeat(10_240), "code", "c"));
    assertThat(r.successful()).isFalse();
    assertThat(r.redirectUrl()).isEmpty();
    assertThat(r.error()).contains("unknown_state");
  }

  @Test
  void callback_duplicateParameters_refused_accountUntouched() {
    ConnectionRequest request = session.authorize("gmail");
    String state = FakeToolkitProvider.stateOf(request.redirectUrl());
    CallbackResult r = tether.handleCallback(URI.create("https://host.example/oauth/callback?state=" + state
        + "&code=one&code=two"));
    assertThat(r.successful()).isFalse();
    assertThat(r.error()).contains("duplicate_parameter");
    assertThat(r.redirectUrl()).isEmpty();
    assertThat(provider.exchangeCount()).isEqualTo(0);
    assertThat(tether.account(request.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.INITIATED);
    assertThat(tether.handleCallback(URI.create("https://host.example/oauth/callback?state=" + state + "&code=one"))
        .successful()).as("the honest callback still works").isTrue();
  }

  @Test
  void callback_fromRequestUri_decodesParameters() {
    ConnectionRequest request = session.authorize("gmail");
    String state = FakeToolkitProvider.stateOf(request.redirectUrl());
    CallbackResult r = tether.handleCallback(URI.create("https://host.example/oauth/callback?state="
        + java.net.URLEncoder.encode(state, java.nio.charset.StandardCharsets.UTF_8) + "&code=a%2Fb"));
    assertThat(r.successful()).isTrue();
    assertThat(provider.exchangeRequests().get(0).parameter("code")).contains("a/b");
  }

  @Test
  void userId_tooLong_rejected() {
    assertThatIllegalArgumentException().isThrownBy(() -> tether.createSession("u".repeat(300)))
        .withMessageContaining("userId");
  }

  @Test
  void builder_settingTwice_rejected() {
    assertThatThrownBy(() -> Tether.builder().linkTtl(java.time.Duration.ofMinutes(1)).linkTtl(java.time.Duration.ofMinutes(2)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("linkTtl was already set");
    assertThatIllegalArgumentException().isThrownBy(() -> Tether.builder().redirectUri(URI.create("/relative")))
        .withMessageContaining("redirectUri");
    assertThatIllegalArgumentException().isThrownBy(() -> Tether.builder().linkTtl(java.time.Duration.ZERO))
        .withMessageContaining("at least 1 second");
  }

  @Test
  void builder_durationsBeyondACentury_rejected_aCenturyWorks() {
    java.time.Duration forever = java.time.temporal.ChronoUnit.FOREVER.getDuration();
    assertThatIllegalArgumentException().isThrownBy(() -> Tether.builder().sessionIdleTimeout(forever))
        .withMessageStartingWith("sessionIdleTimeout must be at most 36500 days (about a century), got ")
        .withMessageEndingWith("; for one that practically never passes, use Duration.ofDays(36500)");
    assertThatIllegalArgumentException().isThrownBy(() -> Tether.builder().linkTtl(forever))
        .withMessageStartingWith("linkTtl must be at most 36500 days");
    assertThatIllegalArgumentException().isThrownBy(() -> Tether.builder().tokenRefreshSkew(forever))
        .withMessageStartingWith("tokenRefreshSkew must be at most 36500 days");

    java.time.Duration century = java.time.Duration.ofDays(36_500);
    Tether lasting = TestEngines.builder(TestEngines.standardProvider(), clock).sessionIdleTimeout(century)
        .linkTtl(century).tokenRefreshSkew(century).build();
    Session s = lasting.createSession("alice");
    assertThat(lasting.session(s.id())).as("a session lookup does not overflow").isPresent();
    assertThat(s.authorize("gmail").linkExpiresAt()).isEqualTo(clock.instant().plus(century));
  }

  @Test
  void clockOutsideTheRecordableYears_failsAtBuild_namingTheFix() {
    java.time.Clock far = java.time.Clock.fixed(java.time.Instant.parse("2300-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);
    assertThatThrownBy(() -> Tether.builder().discoverProviders(false).provider(TestEngines.standardProvider()).clock(far).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("2300-01-01T00:00:00Z")
        .hasMessageContaining("1678 to 2261").hasMessageContaining("Tether.builder().clock(");
  }
}
