package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.providers.apikey.ApiKeyCatalog;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.ConnectRequest;
import dev.tether.spi.ConnectionField;
import dev.tether.spi.Credentials;
import dev.tether.spi.ProviderException;
import dev.tether.spi.Secret;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Connect links whose form collects credentials (API keys) or a per-connection value first. */
class ConnectLinkFormTest {
  private static final URI BASE = URI.create("https://host.example/link");
  private static final URI CALLBACK = URI.create("https://your-app.com/done?from=form");
  private static final String KEY = "exa-live-key-1234567890";

  private final TestClock clock = TestClock.standing();
  private final List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
  private FakeToolkitProvider helpdesk;
  private Tether tether;
  private Session session;

  @BeforeEach
  void setUp() {
    helpdesk = TestEngines.provider(new ToolkitDescriptor("helpdesk", "Helpdesk", AuthScheme.OAUTH2,
        List.of(ConnectionField.plain("subdomain", "Helpdesk subdomain"))));
    tether = Tether.builder().redirectUri(TestEngines.REDIRECT_URI).clock(clock).discoverProviders(false)
        .connectBaseUrl(BASE).allowedCallbackOrigins(CALLBACK.toString()).provider(new ApiKeyCatalog()).provider(helpdesk).listener(events::add).build();
    session = tether.createSession("alice", SessionOptions.builder().callbackUrl(CALLBACK).build());
  }

  private static String linkId(URI link) {
    return link.getPath().substring(link.getPath().lastIndexOf('/') + 1);
  }

  @Test
  void apiKeyToolkit_metaToolLinkResolvesToForm_submitConnects() throws Exception {
    JsonNode exa = new ObjectMapper().readTree(session.execute("COMPOSIO_MANAGE_CONNECTIONS",
        "{\"toolkits\":[\"exa\"]}")).at("/data/results/exa");
    assertThat(exa.get("status").asText()).isEqualTo("initiated");
    URI link = URI.create(exa.get("redirect_url").asText());
    assertThat(link.toString()).startsWith(BASE + "/ln_");

    ConnectLink resolved = tether.connectLink(linkId(link)).orElseThrow();
    assertThat(resolved.needsForm()).isTrue();
    assertThat(resolved.authorizationUrl()).isEmpty();
    assertThat(resolved.toolkitName()).isEqualTo("Exa");
    assertThat(resolved.form()).singleElement().satisfies(f -> {
      assertThat(f.name()).isEqualTo("api_key");
      assertThat(f.secret()).isTrue();
    });

    ConnectLinkResult result = tether.submitConnectLink(linkId(link), Map.of("api_key", KEY));
    String id = exa.get("connected_account_id").asText();
    assertThat(result.accepted()).isTrue();
    assertThat(result.status()).contains(ConnectionStatus.ACTIVE);
    assertThat(result.redirectUrl()).contains(URI.create(CALLBACK + "&status=success&connected_account_id=" + id));
    assertThat(tether.credentials(id).accessToken()).contains(Secret.of(KEY));
    assertThat(tether.connectLink(linkId(link))).as("used up").isEmpty();
  }

  @Test
  void missingOrMalformedKey_reportsProblems_formStaysOpen() {
    ConnectionRequest r = session.authorize("openai");
    String link = linkId(r.redirectUrl());
    ConnectLinkResult missing = tether.submitConnectLink(link, Map.of());
    assertThat(missing.accepted()).isFalse();
    assertThat(missing.problems()).singleElement().asString().contains("api_key").contains("required");
    ConnectLinkResult malformed = tether.submitConnectLink(link, Map.of("api_key", "pk-not-openai-123"));
    assertThat(malformed.problems()).singleElement().asString().contains("sk-").doesNotContain("pk-not-openai-123");
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.INITIATED);

    assertThat(tether.submitConnectLink(link, Map.of("api_key", "sk-right-123456")).accepted()).isTrue();
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
  }

  @Test
  void doubleSubmit_getsFirstOutcome() {
    ConnectionRequest r = session.authorize("exa");
    ConnectLinkResult first = tether.submitConnectLink(linkId(r.redirectUrl()), Map.of("api_key", KEY));
    ConnectLinkResult second = tether.submitConnectLink(linkId(r.redirectUrl()), Map.of("api_key", "other-key-123456"));
    assertThat(first.accepted()).isTrue();
    assertThat(second).isEqualTo(first);
    assertThat(tether.credentials(r.id()).accessToken()).contains(Secret.of(KEY));
  }

  @Test
  void expiredOrUnknownLink_isRefused() {
    ConnectionRequest r = session.authorize("exa");
    clock.advance(Duration.ofMinutes(10));
    ConnectLinkResult late = tether.submitConnectLink(linkId(r.redirectUrl()), Map.of("api_key", KEY));
    assertThat(late.accepted()).isFalse();
    assertThat(late.redirectUrl()).isEmpty();
    assertThat(tether.submitConnectLink("ln_nope", Map.of()).problems()).singleElement().asString().contains("expired");
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.EXPIRED);
  }

  @Test
  void formToolkit_withoutConnectBaseUrl_failsSayingWhatToConfigure() {
    Tether bare = Tether.builder().redirectUri(TestEngines.REDIRECT_URI).clock(clock).discoverProviders(false)
        .provider(new ApiKeyCatalog()).build();
    ManageConnectionsResult.ToolkitResult r = bare.createSession("alice")
        .manageConnections(List.of("exa"), false).results().get("exa");
    assertThat(r.status()).isEqualTo(ManageConnectionsResult.Status.FAILED);
    assertThat(r.errorMessage()).get().asString().contains("connectBaseUrl").contains("api_key");
  }

  @Test
  void manualConnect_withTypedKey_isActiveAtOnce_andSupersedesThePrevious() {
    ConnectedAccount first = session.connect("exa", Map.of("api_key", KEY));
    assertThat(first.status()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThat(events).extracting(ConnectionEvent::previousStatus).containsExactly(java.util.Optional.empty());
    ConnectedAccount second = session.connect("EXA", Map.of("api_key", "exa-second-key-1234"));
    assertThat(tether.account(first.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.INACTIVE);
    assertThat(tether.credentials(second.id()).accessToken()).contains(Secret.of("exa-second-key-1234"));
    assertThat(session.manageConnections(List.of("exa"), false).results().get("exa").connectedAccountId())
        .contains(second.id());
  }

  @Test
  void manualConnect_badInput_isAClearError_nothingStored() {
    assertThatIllegalArgumentException().isThrownBy(() -> session.connect("exa", Map.of()))
        .withMessageContaining("api_key").withMessageContaining("required");
    assertThatIllegalArgumentException().isThrownBy(() -> session.connect("exa", Map.of("api_key", "short")))
        .withMessageContaining("api_key").withMessageNotContaining("short");
    assertThatIllegalArgumentException().isThrownBy(() -> session.connect("helpdesk", Map.of("subdomain", "x")))
        .withMessageContaining("authorize(\"helpdesk\")");
    assertThat(tether.accounts(AccountQuery.all())).isEmpty();
  }

  @Test
  void oauthToolkitWithField_formFirst_thenProviderRedirect_thenCallback() {
    ConnectionRequest r = session.authorize("helpdesk");
    String link = linkId(r.redirectUrl());
    assertThat(helpdesk.authorizeCount()).as("no provider link before the form").isEqualTo(0);
    assertThat(tether.connectLink(link).orElseThrow().form()).extracting(ConnectionField::name)
        .containsExactly("subdomain");

    ConnectLinkResult submitted = tether.submitConnectLink(link, Map.of("subdomain", " acme "));
    assertThat(submitted.accepted()).isTrue();
    URI providerUrl = submitted.redirectUrl().orElseThrow();
    assertThat(providerUrl.toString()).startsWith(FakeToolkitProvider.ISSUER + "/helpdesk/authorize?");
    assertThat(helpdesk.authorizeRequests()).singleElement()
        .satisfies(a -> assertThat(a.connectionFields()).containsEntry("subdomain", "acme"));
    assertThat(tether.connectLink(link).orElseThrow().authorizationUrl()).contains(providerUrl);
    assertThat(tether.connectLink(link).orElseThrow().needsForm()).isFalse();

    CallbackResult callback = tether.handleCallback(FakeToolkitProvider.approve(providerUrl, "code-1"));
    assertThat(callback.successful()).isTrue();
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
  }

  @Test
  void apiKey_neverAppearsInResultsEventsOrAccounts() {
    ConnectionRequest r = session.authorize("exa");
    ConnectLinkResult result = tether.submitConnectLink(linkId(r.redirectUrl()), Map.of("api_key", KEY));
    assertThat(result.toString()).doesNotContain(KEY);
    assertThat(events).allSatisfy(e -> assertThat(e.toString()).doesNotContain(KEY));
    assertThat(tether.accounts(AccountQuery.all()).toString()).doesNotContain(KEY);
    assertThat(tether.credentials(r.id()).toString()).doesNotContain(KEY);
  }

  @Test
  void connect_providerCannotCheckTheKeyNow_isARetryableEngineFailure_notACallerMistake() {
    ToolkitDescriptor acme = new ToolkitDescriptor("acme_search", "Acme Search", AuthScheme.API_KEY,
        List.of(ConnectionField.secret("api_key", "Acme key")));
    FakeToolkitProvider down = TestEngines.provider(acme);
    Tether checking = Tether.builder().redirectUri(TestEngines.REDIRECT_URI).clock(clock).discoverProviders(false)
        .provider(new DelegatingProvider(down) {
          @Override
          public Credentials connect(ConnectRequest request) {
            throw ProviderException.transientFailure("http_503", "Acme key check answered HTTP 503; retry later");
          }
        }).build();
    Session s = checking.createSession("alice");
    assertThatThrownBy(() -> s.connect("acme_search", Map.of("api_key", KEY)))
        .isInstanceOf(LinkCreationException.class)
        .hasMessage("Cannot connect 'acme_search' now, so nothing was stored; retry later (http_503: Acme key check "
            + "answered HTTP 503; retry later)");
    assertThat(checking.accounts(AccountQuery.ofUser("alice"))).isEmpty();
  }

  @Test
  void multiAccount_deletingThePendingAccount_freesItsPlace() {
    Session two = tether.createSession("carol", SessionOptions.builder().multiAccount(2).build());
    two.connect("exa", Map.of("api_key", KEY));
    ConnectionRequest pending = two.authorize("exa");
    assertThat(tether.delete(pending.id())).isTrue(); // the refusal's advice
    assertThat(two.connect("exa", Map.of("api_key", "exa-second-key-1234")).status())
        .isEqualTo(ConnectionStatus.ACTIVE);
  }

  @Test
  void multiAccount_aPendingFormLinkKeepsItsPlace_soTheRoomIsNeverExceeded() {
    Session two = tether.createSession("bob", SessionOptions.builder().multiAccount(2).build());
    two.connect("exa", Map.of("api_key", KEY));
    ConnectionRequest pending = two.authorize("exa"); // the second place
    assertThatThrownBy(() -> two.connect("exa", Map.of("api_key", "exa-second-key-1234")))
        .isInstanceOf(LinkCreationException.class)
        .hasMessage("User 'bob' already has 1 'exa' account and a pending link (account " + pending.id() + "), this "
            + "session's maximum; let that link finish or expire, or delete its account with tether.delete(\""
            + pending.id() + "\"), before connecting another");

    ConnectLinkResult submitted = tether.submitConnectLink(linkId(pending.redirectUrl()),
        Map.of("api_key", "exa-third-key-12345"));
    assertThat(submitted.status()).contains(ConnectionStatus.ACTIVE);
    assertThat(tether.accounts(AccountQuery.ofUser("bob"))).extracting(ConnectedAccount::status)
        .containsExactly(ConnectionStatus.ACTIVE, ConnectionStatus.ACTIVE);
  }
}
