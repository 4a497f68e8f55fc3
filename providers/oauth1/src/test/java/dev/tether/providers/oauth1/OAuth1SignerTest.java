package dev.tether.providers.oauth1;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 5849 §3.4's worked examples. */
class OAuth1SignerTest {
  /** §3.4.1.1: the request's query, form body and protocol parameters. */
  private static final URI REQUEST = URI.create("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b");
  private static final List<Map.Entry<String, String>> PROTOCOL_AND_BODY = List.of(
      new SimpleEntry<>("oauth_consumer_key", "9djdj82h48djs9d2"),
      new SimpleEntry<>("oauth_token", "kkk9d7dh3k39sjv7"),
      new SimpleEntry<>("oauth_signature_method", "HMAC-SHA1"),
      new SimpleEntry<>("oauth_timestamp", "137131201"),
      new SimpleEntry<>("oauth_nonce", "7d8f3e4a"),
      new SimpleEntry<>("c2", ""),
      new SimpleEntry<>("a3", "2 q"));
  private static final String RFC_BASE_STRING = "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q"
      + "%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_"
      + "nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk"
      + "9d7dh3k39sjv7";

  @Test
  void baseString_matchesRfc5849Section3411() {
    assertThat(OAuth1Signer.baseString("post", REQUEST, PROTOCOL_AND_BODY)).isEqualTo(RFC_BASE_STRING);
  }

  @Test
  void hmacSha1_ofTheRfcBaseString_withTheRfcSecrets() {
    // Client secret and token secret of RFC 5849 §3.4.2's example; the value was computed with
    // Python's hmac module as an independent implementation.
    assertThat(OAuth1Signer.hmacSha1(RFC_BASE_STRING, "j49sk3j29djd", "dh893hdasih9"))
        .isEqualTo("r6/TJjbCOr97/+UU0NsvSne7s5g=");
  }

  @Test
  void baseUri_followsSection3412() {
    assertThat(OAuth1Signer.baseUri(URI.create("HTTP://EXAMPLE.COM:80/r%20v/X?id=123")))
        .isEqualTo("http://example.com/r%20v/X");
    assertThat(OAuth1Signer.baseUri(URI.create("https://www.example.net:8080/?q=1")))
        .isEqualTo("https://www.example.net:8080/");
    assertThat(OAuth1Signer.baseUri(URI.create("https://trello.com:443/1/OAuthGetRequestToken")))
        .isEqualTo("https://trello.com/1/OAuthGetRequestToken");
  }

  @Test
  void authorizationHeader_quotesEncodedValues() {
    assertThat(OAuth1Signer.authorizationHeader(List.of(new SimpleEntry<>("oauth_callback", "http://a/b?c=d"),
        new SimpleEntry<>("oauth_signature", "ab+c/=")))).isEqualTo(
        "OAuth oauth_callback=\"http%3A%2F%2Fa%2Fb%3Fc%3Dd\", oauth_signature=\"ab%2Bc%2F%3D\"");
  }

  @Test
  void catalog_withoutConsumer_listsTrello_linkFailsNamingSettings() {
    OAuth1Catalog catalog = new OAuth1Catalog(Map.of(), new java.util.Properties());
    assertThat(catalog.toolkits()).singleElement().satisfies(d -> assertThat(d.slug()).isEqualTo("trello"));
    assertThat(catalog.grantParameter("trello")).isEqualTo("oauth_verifier");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> catalog.authorize(new dev.tether.spi.AuthorizationRequest(
        "trello", "u", dev.tether.spi.Secret.of("s"), "c", URI.create("https://h/cb"), List.of(), Map.of(),
        java.time.Instant.EPOCH))).hasMessageContaining("TETHER_TRELLO_CLIENT_ID")
        .hasMessageContaining("TETHER_TRELLO_CLIENT_SECRET");
  }
}
