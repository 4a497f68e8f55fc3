package dev.tether.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SpiValuesTest {
  @Test
  void slugs_normalize_trimsAndLowerCasesInRootLocale() {
    assertThat(Slugs.normalize("  One_Drive ")).isEqualTo("one_drive");
    assertThat(Slugs.normalize("GITHUB")).isEqualTo("github");
  }

  @Test
  void slugs_isValid_acceptsOnlyLowerAlnumUnderscoreUpTo64() {
    assertThat(Slugs.isValid("googlesheets")).isTrue();
    assertThat(Slugs.isValid("a".repeat(64))).isTrue();
    assertThat(Slugs.isValid("a".repeat(65))).isFalse();
    assertThat(Slugs.isValid("")).isFalse();
    assertThat(Slugs.isValid("Gmail")).isFalse();
    assertThat(Slugs.isValid("gmail pro")).isFalse();
    assertThat(Slugs.isValid("gmaıl")).isFalse();
    assertThat(Slugs.isValid(null)).isFalse();
  }

  @Test
  void slugs_requireValid_namesValueAndForm_abbreviatingLongInput() {
    assertThatIllegalArgumentException().isThrownBy(() -> Slugs.requireValid("x".repeat(10_000)))
        .withMessageContaining("Invalid toolkit slug").withMessageContaining("a-z")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
  }

  @Test
  void categories_known_isASmallSortedSetOfValidWords() {
    assertThat(Categories.known()).contains("email", "calendar", "code", "issues", "chat", "search")
        .hasSizeLessThanOrEqualTo(40).allSatisfy(c -> assertThat(Slugs.isValid(c)).as(c).isTrue());
    assertThat(java.util.List.copyOf(Categories.known())).isSorted();
    assertThat(Categories.isKnown("email")).isTrue();
    assertThat(Categories.isKnown("Email")).isFalse();
    assertThat(Categories.isKnown("news_feed")).isFalse();
    assertThat(Categories.isKnown(null)).isFalse();
  }

  @Test
  void descriptor_validatesSlugAndName() {
    assertThat(new ToolkitDescriptor("hackernews", "Hacker News", AuthScheme.NONE).isNoAuth()).isTrue();
    assertThat(new ToolkitDescriptor("gmail", "Gmail", AuthScheme.OAUTH2).isNoAuth()).isFalse();
    assertThatIllegalArgumentException().isThrownBy(() -> new ToolkitDescriptor("Gmail", "Gmail", AuthScheme.OAUTH2));
    assertThatIllegalArgumentException().isThrownBy(() -> new ToolkitDescriptor("gmail", " ", AuthScheme.OAUTH2))
        .withMessageContaining("display name");
  }

  @Test
  void providerException_sanitisesUpstreamCodes() {
    assertThat(ProviderException.definitive("invalid_grant", "m").errorCode()).isEqualTo("invalid_grant");
    assertThat(ProviderException.definitive("Invalid_Grant ", "m").errorCode()).isEqualTo("invalid_grant");
    assertThat(ProviderException.definitive("<b>x</b>", "m").errorCode()).isEqualTo("provider_error");
    assertThat(ProviderException.definitive(null, "m").errorCode()).isEqualTo("provider_error");
    assertThat(ProviderException.transientFailure("http_503", "m").isDefinitive()).isFalse();
  }

  @Test
  void secret_rejectsEmpty_withoutShowingValue() {
    assertThatIllegalArgumentException().isThrownBy(() -> Secret.of(""));
  }

  @Test
  void authorizationLink_requiresAbsoluteHttpUrl() {
    assertThatIllegalArgumentException().isThrownBy(() -> AuthorizationLink.of(URI.create("javascript:alert(1)")));
    assertThatIllegalArgumentException().isThrownBy(() -> AuthorizationLink.of(URI.create("/relative")));
    assertThat(AuthorizationLink.of(URI.create("https://a.example/x")).flowState()).isEmpty();
  }

  @Test
  void credentials_toBuilder_roundTrips_andExpiresBy() {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    Credentials c = Credentials.builder(AuthScheme.OAUTH2).accessToken("a").refreshToken("r").expiresAt(at)
        .attribute("instance_url", "https://x").build();
    assertThat(c.toBuilder().build()).isEqualTo(c);
    assertThat(c.expiresBy(at)).isTrue();
    assertThat(c.expiresBy(at.minusSeconds(1))).isFalse();
    assertThat(Credentials.builder(AuthScheme.API_KEY).accessToken("k").build().expiresBy(Instant.MAX)).isFalse();
  }
}
