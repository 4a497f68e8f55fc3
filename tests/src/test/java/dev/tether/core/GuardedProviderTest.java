package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.ConnectRequest;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import dev.tether.spi.RefreshRequest;
import dev.tether.spi.Secret;
import dev.tether.spi.ToolkitProvider;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One classification for every call into plugin code, the one {@link ToolkitProvider} states: a
 * {@link ProviderException} is the provider's verdict and passes unchanged; anything else thrown,
 * or a {@code null} where a value is due, is a definitive {@code provider_error} whose message
 * names the toolkit and never repeats the provider's own message (it may hold a secret).
 */
class GuardedProviderTest {
  private static final String SECRET = "leaked-token-123";
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  /** Every guarded method, as a call on a guard. */
  static Stream<Arguments> methods() {
    Map<String, Consumer<GuardedProvider>> calls = new java.util.LinkedHashMap<>();
    calls.put("authorize", g -> g.authorize(new AuthorizationRequest("gmail", "u", Secret.of("s"), "c",
        URI.create("https://app.test/cb"), List.of(), Map.of(), NOW)));
    calls.put("exchange", g -> g.exchange(new ExchangeRequest("gmail", "u", Map.of("code", "c"),
        URI.create("https://app.test/cb"), Secret.of("v"), Map.of(), NOW)));
    calls.put("refresh", g -> g.refresh(new RefreshRequest("gmail", "u",
        Credentials.builder(AuthScheme.OAUTH2).accessToken("a").build(), NOW)));
    calls.put("connect", g -> g.connect(new ConnectRequest("gmail", "u", Map.of("api_key", "k"), NOW)));
    calls.put("grantParameter", g -> g.grantParameter("gmail"));
    calls.put("issuer", g -> g.issuer("gmail"));
    calls.put("requiresIssuer", g -> g.requiresIssuer("gmail"));
    return calls.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  /** A provider whose every method does {@code behaviour}. */
  private static GuardedProvider guarding(Supplier<Object> behaviour) {
    ToolkitProvider p = (ToolkitProvider) Proxy.newProxyInstance(ToolkitProvider.class.getClassLoader(),
        new Class<?>[] {ToolkitProvider.class}, (proxy, method, args) -> {
          if (method.getName().equals("toString")) {
            return "broken provider";
          }
          return behaviour.get();
        });
    return new GuardedProvider(p);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("methods")
  void providerException_passesUnchanged(String method, Consumer<GuardedProvider> call) {
    ProviderException own = ProviderException.transientFailure("http_503", "upstream down");
    assertThatThrownBy(() -> call.accept(guarding(() -> {
      throw own;
    }))).isSameAs(own);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("methods")
  void anyOtherThrowable_isADefinitiveProviderError_withoutTheProvidersMessage(String method,
      Consumer<GuardedProvider> call) {
    for (Supplier<Object> bug : List.<Supplier<Object>>of(() -> {
      throw new IllegalStateException("bug with " + SECRET);
    }, () -> {
      throw new NoSuchMethodError("linkage " + SECRET);
    }, () -> {
      throw new AssertionError("assert " + SECRET);
    }, () -> {
      throw new StackOverflowError("recursion " + SECRET);
    })) {
      assertThatThrownBy(() -> call.accept(guarding(bug))).isInstanceOfSatisfying(ProviderException.class, e -> {
        assertThat(e.isDefinitive()).isTrue();
        assertThat(e.errorCode()).isEqualTo(GuardedProvider.PROVIDER_ERROR);
        assertThat(e.getMessage()).contains("'gmail'").contains("see the log").doesNotContain(SECRET);
      });
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("methods")
  void theJvmsOwnFailures_goOnUp(String method, Consumer<GuardedProvider> call) {
    OutOfMemoryError oom = new OutOfMemoryError("heap");
    assertThatThrownBy(() -> call.accept(guarding(() -> {
      throw oom;
    }))).isSameAs(oom);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("methods")
  void nullResult_isADefinitiveProviderError(String method, Consumer<GuardedProvider> call) {
    org.junit.jupiter.api.Assumptions.assumeFalse(method.equals("requiresIssuer"), "a boolean cannot be null");
    assertThatThrownBy(() -> call.accept(guarding(() -> null))).isInstanceOfSatisfying(ProviderException.class,
        e -> {
          assertThat(e.isDefinitive()).isTrue();
          assertThat(e.getMessage()).contains("returned nothing");
        });
  }
}
