package dev.tether.springboot;

import dev.tether.core.ConnectLink;
import dev.tether.pages.ConnectPages;
import dev.tether.pages.Page;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The application's pages, noting which one {@code ConnectEndpoints} chose for one request: the
 * outcome a metric is tagged with. One instance per request, so not shared between threads.
 */
final class OutcomePages implements ConnectPages {
  private final ConnectPages pages;
  private String outcome;

  OutcomePages(ConnectPages pages) {
    this.pages = pages;
  }

  /** The page chosen, or {@code redirect} when the answer was a redirect rather than a page. */
  String outcome() {
    return outcome == null ? "redirect" : outcome;
  }

  @Override
  public Page form(ConnectLink link, Map<String, String> entered, List<String> problems) {
    outcome = problems.isEmpty() ? "form" : "problems";
    return pages.form(link, entered, problems);
  }

  @Override
  public Page continueToSignIn(String toolkitName) {
    outcome = "continue";
    return pages.continueToSignIn(toolkitName);
  }

  @Override
  public Page connected(String toolkitName, Optional<URI> next) {
    outcome = "connected";
    return pages.connected(toolkitName, next);
  }

  @Override
  public Page failed(String toolkitName, String errorCode) {
    outcome = "failed";
    return pages.failed(toolkitName, errorCode);
  }

  @Override
  public Page linkUnavailable() {
    outcome = "unavailable";
    return pages.linkUnavailable();
  }

  @Override
  public Page callbackRejected(String errorCode) {
    outcome = "rejected";
    return pages.callbackRejected(errorCode);
  }
}
