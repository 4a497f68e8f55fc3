package dev.tether.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PageTest {
  @Test
  void html_sendsTheSecurityHeaders() {
    Page page = Page.html(200, "<!doctype html>", "default-src 'none'");
    assertThat(page.headers()).containsEntry("Content-Type", "text/html; charset=utf-8")
        .containsEntry("Content-Security-Policy", "default-src 'none'").containsEntry("Cache-Control", "no-store")
        .containsEntry("Referrer-Policy", "no-referrer").containsEntry("X-Content-Type-Options", "nosniff")
        .containsEntry("X-Frame-Options", "DENY");
    assertThat(page.header("content-security-policy")).hasValue("default-src 'none'");
    assertThat(page.header("Location")).isEmpty();
  }

  @Test
  void redirect_is303WithNoBody_andToStringHidesTheQuery() {
    Page page = Page.redirect(URI.create("https://idp.test/authorize?state=s3cr3t-state&code_challenge=abc"));
    assertThat(page.status()).isEqualTo(303);
    assertThat(page.html()).isEmpty();
    assertThat(page.header("location")).hasValue("https://idp.test/authorize?state=s3cr3t-state&code_challenge=abc");
    assertThat(page.toString()).contains("303", "idp.test").doesNotContain("s3cr3t", "state=");
  }

  @Test
  void redirect_relative_isRefused() {
    assertThatThrownBy(() -> Page.redirect(URI.create("/done?x=1"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute");
  }

  @Test
  void constructor_badInput_isRefusedNamingIt() {
    assertThatThrownBy(() -> new Page(99, Map.of(), "")).hasMessageContaining("99");
    assertThatThrownBy(() -> new Page(200, Map.of("X-A", "one\r\nSet-Cookie: a=b"), ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("X-A");
    assertThatThrownBy(() -> new Page(200, Map.of("Bad Name", "v"), "")).hasMessageContaining("Bad Name");
    Map<String, String> twice = new LinkedHashMap<>();
    twice.put("Cache-Control", "no-store");
    twice.put("cache-control", "max-age=1");
    assertThatThrownBy(() -> new Page(200, twice, "")).hasMessageContaining("twice");
  }

  @Test
  void headers_areCopiedAndUnmodifiable() {
    Map<String, String> headers = new LinkedHashMap<>(Map.of("X-A", "1"));
    Page page = new Page(200, headers, "");
    headers.put("X-B", "2");
    assertThat(page.headers()).containsOnlyKeys("X-A");
    assertThatThrownBy(() -> page.headers().put("X-C", "3")).isInstanceOf(UnsupportedOperationException.class);
  }
}
