package dev.tether.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UrlsTest {
  @Test
  void accepts_absoluteHttpUrlsWithAHost_inAnyCase() {
    for (String ok : new String[] {"https://a.example", "http://a.example/", "HTTPS://A.EXAMPLE/x?y=1#z",
        "http://127.0.0.1:8080/token", "http://[::1]:9/cb", "https://xn--bcher-kva.example/p%C3%A9"}) {
      assertThat(Urls.requireHttpUrl(ok, "url")).isSameAs(ok);
      assertThat(Urls.requireHttpEndpoint(ok, "url")).isSameAs(ok);
      URI uri = URI.create(ok);
      assertThat(Urls.requireHttpEndpoint(uri, "url")).isSameAs(uri);
      assertThat(Urls.requireHttpUrl(uri, "url")).isSameAs(uri);
    }
  }

  @Test
  void refuses_otherSchemesRelativeAndHostlessUrls_namingWhat() {
    for (String bad : new String[] {"ftp://a.example/x", "javascript:alert(1)", "/token", "token", "https:opaque",
        "https:/a.example", "https:///path", "http://:80/x", "http://x_y/cb", ""}) {
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> Urls.requireHttpEndpoint(bad, "tokenUrl"))
          .withMessageStartingWith("tokenUrl must");
    }
    assertThatIllegalArgumentException().isThrownBy(() -> Urls.requireHttpEndpoint(URI.create("/relative"), "tokenUrl"))
        .withMessageStartingWith("tokenUrl must be an absolute http(s) URL");
  }

  @Test
  void refuses_hostsThatUriParsesAsNoHost_evenWhenTheyLookPlain() {
    // URI finds no host in these (a registry-based authority), and the JDK's HTTP client refuses
    // them: they must fail here, when configured, not at the first token request.
    for (String bad : new String[] {"http://-/x", "http://a..b/x", "http://.../x", "http://a-.example/x",
        "http://-a.example/x", "http://1.2.3/x", "https://a.example:99999/x"}) {
      assertThat(URI.create(bad).getHost() == null || URI.create(bad).getPort() > 65535).as(bad).isTrue();
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> Urls.requireHttpEndpoint(bad, "tokenUrl"))
          .withMessageStartingWith("tokenUrl ");
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> AuthorizationLink.of(bad));
    }
    for (String ok : new String[] {"http://123/x", "http://a./x", "http://10.0.0.1:65535/x", "http://a-b.c-d.example/x"}) {
      assertThat(Urls.requireHttpEndpoint(ok, "tokenUrl")).as(ok).isSameAs(ok);
    }
  }

  @Test
  void userInfo_isRefusedInAnEndpoint_notInALink() {
    String withUser = "https://client:SECRET@as.example/token";
    assertThat(Urls.requireHttpUrl(withUser, "link")).isSameAs(withUser);
    assertThatIllegalArgumentException().isThrownBy(() -> Urls.requireHttpEndpoint(withUser, "tokenUrl"))
        .withMessage("tokenUrl must not contain user info (user:password@)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Urls.requireHttpEndpoint(URI.create("http://u@127.0.0.1:9/x"), "requestTokenUrl"))
        .withMessageContaining("user info");
  }

  @Test
  void refuses_charactersAUriMayNotHold_neverRepeatingTheUrl() {
    for (String bad : new String[] {"https://a.example/x?state=SECRET x", "https://a.example/SECRET\u00e9",
        "https://a.example/?SECRET=%zz", "https://a.example/#SECRET#", "https://a.example/?x=[SECRET]"}) {
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> Urls.requireHttpUrl(bad, "An authorization link"))
          .withMessageContaining("index")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRET"));
    }
  }

  @Test
  void null_isNamed() {
    assertThatNullPointerException().isThrownBy(() -> Urls.requireHttpEndpoint((URI) null, "tokenUrl"))
        .withMessage("tokenUrl");
  }

  @Test
  void percentEncode_keepsUnreservedText_andEncodesEveryOtherUtf8Byte() {
    String plain = "AZaz09-._~";
    assertThat(Urls.percentEncode(plain)).isSameAs(plain);
    assertThat(Urls.percentEncode("a b+c/é&=%")).isEqualTo("a%20b%2Bc%2F%C3%A9%26%3D%25");
    assertThat(Urls.percentEncode("\uD83D\uDE00")).isEqualTo("%F0%9F%98%80");
    assertThat(Urls.percentEncode("")).isEmpty();
  }
}
