package dev.tether.providers.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.ConnectRequest;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import dev.tether.spi.RefreshRequest;
import dev.tether.spi.Secret;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ToolkitDispatcherTest {
  private static final URI REDIRECT = URI.create("https://host.example/cb");

  /** Serves its slugs, answering each call with which provider and slug it got. */
  private record Named(String name, List<String> slugs, String grant, String issuer) implements ToolkitProvider {
    Named(String name, String... slugs) {
      this(name, List.of(slugs), "code", null);
    }

    @Override
    public int spiVersion() {
      return SPI_VERSION;
    }

    @Override
    public List<ToolkitDescriptor> toolkits() {
      return slugs.stream().map(s -> new ToolkitDescriptor(s, s, AuthScheme.OAUTH2)).toList();
    }

    @Override
    public AuthorizationLink authorize(AuthorizationRequest request) {
      return AuthorizationLink.of("https://" + name + ".example/" + request.toolkit());
    }

    @Override
    public Credentials exchange(ExchangeRequest request) {
      return credentials("exchange", request.toolkit());
    }

    @Override
    public Credentials refresh(RefreshRequest request) {
      return credentials("refresh", request.toolkit());
    }

    @Override
    public Credentials connect(ConnectRequest request) {
      return credentials("connect", request.toolkit());
    }

    @Override
    public String grantParameter(String toolkit) {
      return grant;
    }

    @Override
    public Optional<String> issuer(String toolkit) {
      return Optional.ofNullable(issuer);
    }

    @Override
    public boolean requiresIssuer(String toolkit) {
      return issuer != null;
    }

    private Credentials credentials(String call, String toolkit) {
      return Credentials.builder(AuthScheme.OAUTH2).accessToken(name + ":" + call + ":" + toolkit).build();
    }
  }

  private static final Named GOOGLE = new Named("google", "gmail", "googledocs");
  private static final Named TRELLO = new Named("trello", List.of("trello"), "oauth_verifier", "https://trello.example");
  private static final ToolkitDispatcher<Named> BOTH = ToolkitDispatcher.of("test catalog", List.of(GOOGLE, TRELLO));

  private static String token(Credentials c) {
    return c.accessToken().map(Secret::reveal).orElseThrow();
  }

  @Test
  void toolkits_listEveryProvidersToolkitsInOrder_sameListEachCall() {
    assertThat(BOTH.toolkits()).extracting(ToolkitDescriptor::slug).containsExactly("gmail", "googledocs", "trello");
    assertThat(BOTH.toolkits()).isSameAs(BOTH.toolkits());
    assertThatThrownBy(() -> BOTH.toolkits().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(BOTH.providers()).containsExactly(GOOGLE, TRELLO);
    assertThat(BOTH.spiVersion()).isEqualTo(ToolkitProvider.SPI_VERSION);
  }

  @Test
  void actions_goToTheProviderOfTheToolkit() {
    AuthorizationRequest docs = new AuthorizationRequest("googledocs", "u", Secret.of("s"), "c", REDIRECT, List.of(),
        Map.of(), Instant.EPOCH);
    assertThat(BOTH.authorize(docs).urlString()).isEqualTo("https://google.example/googledocs");
    assertThat(token(BOTH.exchange(new ExchangeRequest("trello", "u", Map.of(), REDIRECT, Secret.of("v"), Map.of(),
        Instant.EPOCH)))).isEqualTo("trello:exchange:trello");
    Credentials current = Credentials.builder(AuthScheme.OAUTH2).accessToken("old").build();
    assertThat(token(BOTH.refresh(new RefreshRequest("gmail", "u", current, Instant.EPOCH))))
        .isEqualTo("google:refresh:gmail");
    assertThat(token(BOTH.connect(new ConnectRequest("gmail", "u", Map.of(), Instant.EPOCH))))
        .isEqualTo("google:connect:gmail");
  }

  @Test
  void questions_areAnsweredByTheProviderOfTheToolkit() {
    assertThat(BOTH.grantParameter("trello")).isEqualTo("oauth_verifier");
    assertThat(BOTH.grantParameter("gmail")).isEqualTo("code");
    assertThat(BOTH.issuer("trello")).contains("https://trello.example");
    assertThat(BOTH.issuer("gmail")).isEmpty();
    assertThat(BOTH.requiresIssuer("trello")).isTrue();
    assertThat(BOTH.requiresIssuer("gmail")).isFalse();
  }

  @Test
  void unknownToolkit_actionsRefuseNamingIt_questionsGetTheSpiDefaults() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> BOTH.connect(new ConnectRequest("gmial", "u", Map.of(), Instant.EPOCH)))
        .withMessage("Toolkit 'gmial' is not in this test catalog; it serves [gmail, googledocs, trello]");
    assertThatIllegalArgumentException().isThrownBy(() -> BOTH.authorize(new AuthorizationRequest("nope", "u",
        Secret.of("s"), "c", REDIRECT, List.of(), Map.of(), Instant.EPOCH)));
    assertThat(BOTH.grantParameter("nope")).isEqualTo("code");
    assertThat(BOTH.issuer("nope")).isEmpty();
    assertThat(BOTH.requiresIssuer("nope")).isFalse();
    assertThat(BOTH.provider("nope")).isEmpty();
    assertThat(BOTH.provider("googledocs")).containsSame(GOOGLE);
  }

  @Test
  void providerFailures_passThroughUnchanged() {
    ProviderException refused = ProviderException.definitive("invalid_grant", "no");
    ToolkitProvider failing = new ToolkitProvider() {
      @Override
      public int spiVersion() {
        return SPI_VERSION;
      }

      @Override
      public List<ToolkitDescriptor> toolkits() {
        return List.of(new ToolkitDescriptor("f", "F", AuthScheme.OAUTH2));
      }

      @Override
      public AuthorizationLink authorize(AuthorizationRequest request) {
        throw refused;
      }

      @Override
      public Credentials exchange(ExchangeRequest request) {
        throw refused;
      }
    };
    ToolkitDispatcher<ToolkitProvider> one = ToolkitDispatcher.of("c", List.of(failing));
    assertThatThrownBy(() -> one.exchange(new ExchangeRequest("f", "u", Map.of(), REDIRECT, Secret.of("v"), Map.of(),
        Instant.EPOCH))).isSameAs(refused);
    assertThatThrownBy(() -> one.refresh(new RefreshRequest("f", "u",
        Credentials.builder(AuthScheme.OAUTH2).accessToken("a").build(), Instant.EPOCH)))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.errorCode()).isEqualTo("refresh_unsupported"));
  }

  @Test
  void aSlugServedTwice_isRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ToolkitDispatcher.of("test catalog", List.of(GOOGLE, new Named("other", "gmail"))))
        .withMessageContaining("'gmail'").withMessageContaining("test catalog");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ToolkitDispatcher.of("test catalog", List.of(new Named("twice", "a", "a"))));
  }

  @Test
  void toString_namesTheWholeAndItsSlugs() {
    assertThat(BOTH).hasToString("ToolkitDispatcher[test catalog, [gmail, googledocs, trello]]");
  }
}
