package dev.tether.providers.kit;

import dev.tether.spi.ProviderException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Objects;

/**
 * The one classification of an upstream HTTP call's outcome, as {@link ProviderException} states it:
 * <em>definitive</em> when retrying cannot help, <em>transient</em> when a later retry may succeed.
 *
 * <table>
 *   <caption>Outcomes and what they become</caption>
 *   <tr><th>outcome</th><th>kind</th><th>error code</th></tr>
 *   <tr><td>no answer within the request's timeout (also a connect timeout)</td><td>transient</td>
 *       <td>{@value #TIMEOUT}</td></tr>
 *   <tr><td>any other {@link IOException} (refused, reset, unreadable stream)</td><td>transient</td>
 *       <td>{@value #IO_ERROR}</td></tr>
 *   <tr><td>the calling thread was interrupted (its flag is set again)</td><td>transient</td>
 *       <td>{@value #INTERRUPTED}</td></tr>
 *   <tr><td>HTTP 5xx (and any higher status); 408 (the server timed out), 425 and 429 (the server
 *       asks for a later retry)</td>
 *       <td>transient</td><td>{@code http_<status>}</td></tr>
 *   <tr><td>any other HTTP 4xx</td><td>definitive</td><td>{@code http_<status>}</td></tr>
 *   <tr><td>a body that names an error (e.g. OAuth's {@code "error": "invalid_grant"})</td>
 *       <td>definitive</td><td>the upstream's code, {@linkplain ProviderException#sanitize sanitised}</td></tr>
 *   <tr><td>a body that names an error which asks for a retry ({@link #RETRY_LATER_CODES}, e.g.
 *       {@code temporarily_unavailable})</td><td>transient</td><td>the upstream's code</td></tr>
 *   <tr><td>a body longer than the caller's limit ({@value #MAX_BODY_BYTES} bytes unless it gives
 *       one), which is not read further</td><td>transient</td><td>{@value #INVALID_RESPONSE}</td></tr>
 *   <tr><td>a body that cannot be read, or lacks a value the protocol requires</td><td>transient</td>
 *       <td>{@value #INVALID_RESPONSE}</td></tr>
 * </table>
 *
 * <p>1xx, 2xx and 3xx statuses are no failure by themselves: the body decides. A transient status
 * wins over an error the body names (a 503 page may say anything); a body's error wins over a
 * definitive status, as its code says more than {@code http_400}.
 *
 * <p>Messages start with the caller's name for the upstream (e.g. {@code Token endpoint of
 * 'gmail'}) and never hold the request, the response body or a secret. Stateless and thread-safe.
 */
public final class HttpOutcomes {
  /** Error code: the upstream did not answer within the request's timeout. */
  public static final String TIMEOUT = "timeout";
  /** Error code: the upstream could not be reached or its answer could not be received. */
  public static final String IO_ERROR = "io_error";
  /** Error code: the calling thread was interrupted while waiting for the upstream. */
  public static final String INTERRUPTED = "interrupted";
  /** Error code: the upstream's answer could not be read, or lacks a value the protocol requires. */
  public static final String INVALID_RESPONSE = "invalid_token_response";
  /** The longest answer {@link #send(HttpClient, HttpRequest, String)} reads: no token answer is near it. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;
  /**
   * Error codes an upstream names in its answer to ask for a later retry: OAuth's {@code
   * temporarily_unavailable} and {@code server_error} (RFC 6749 §4.1.2.1, which Microsoft's token
   * endpoint also answers), and Slack's {@code internal_error}, {@code fatal_error}, {@code
   * ratelimited}, {@code service_unavailable} and {@code request_timeout}.
   */
  public static final java.util.Set<String> RETRY_LATER_CODES = java.util.Set.of("temporarily_unavailable",
      "server_error", "internal_error", "fatal_error", "ratelimited", "service_unavailable", "request_timeout");

  private HttpOutcomes() {}

  /**
   * Sends {@code request} and returns the answer whatever its status, its body read up to {@value
   * #MAX_BODY_BYTES} bytes; a failure to get one becomes a transient {@link ProviderException}.
   *
   * @param client the client to send with; not null
   * @param request the request, whose {@linkplain HttpRequest#timeout() timeout} is named in a
   *     {@value #TIMEOUT} failure; not null
   * @param upstream what messages call the upstream, e.g. {@code Token endpoint of 'gmail'}; not null
   * @return the response, with its body as text
   * @throws ProviderException transient: {@value #TIMEOUT}, {@value #IO_ERROR}, {@value #INTERRUPTED}
   *     or, for a longer body, {@value #INVALID_RESPONSE}
   */
  public static HttpResponse<String> send(HttpClient client, HttpRequest request, String upstream) {
    return send(client, request, upstream, MAX_BODY_BYTES);
  }

  /**
   * As {@link #send(HttpClient, HttpRequest, String)}, reading at most {@code maxBodyBytes} of the
   * body: a longer one is not read further (the connection is given up), so a hostile or broken
   * upstream cannot fill the heap.
   *
   * @param client the client to send with; not null
   * @param request the request; not null
   * @param upstream what messages call the upstream; not null
   * @param maxBodyBytes the longest body read, at least 1
   * @return the response, with its body as text
   * @throws ProviderException transient: {@value #TIMEOUT}, {@value #IO_ERROR}, {@value #INTERRUPTED}
   *     or, for a longer body, {@value #INVALID_RESPONSE}
   * @throws IllegalArgumentException if {@code maxBodyBytes} is below 1
   */
  public static HttpResponse<String> send(HttpClient client, HttpRequest request, String upstream, int maxBodyBytes) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(upstream, "upstream");
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be at least 1, got " + maxBodyBytes);
    }
    try {
      return client.send(request, info -> new BoundedBody(maxBodyBytes, charsetOf(info)));
    } catch (HttpTimeoutException e) {
      throw ProviderException.transientFailure(TIMEOUT, upstream + " did not answer "
          + request.timeout().map(t -> "within " + t).orElse("in time") + "; retry later");
    } catch (IOException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof BodyTooLong) {
          throw unreadable(upstream, "answered with more than " + maxBodyBytes + " bytes (not read further)");
        }
      }
      throw ProviderException.transientFailure(IO_ERROR, upstream + " could not be reached ("
          + e.getClass().getSimpleName() + "); retry later");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProviderException.transientFailure(INTERRUPTED, "Interrupted while calling " + upstream);
    }
  }

  /**
   * Whether a retry may cure {@code status}: 5xx (and any higher, non-standard status), 408, 425
   * and 429.
   *
   * @param status an HTTP status code
   * @return true for a status that makes a {@linkplain #failure transient failure}
   */
  public static boolean isTransient(int status) {
    return status >= 500 || status == 408 || status == 425 || status == 429;
  }

  /**
   * Whether {@code status} is a failure by itself: a {@linkplain #isTransient transient} one, or
   * any other 4xx.
   *
   * @param status an HTTP status code
   * @return false for 1xx, 2xx and 3xx, whose body decides
   */
  public static boolean isFailure(int status) {
    return status >= 400;
  }

  /**
   * The failure {@code status} stands for: {@code http_<status>}, transient or definitive.
   *
   * @param status a status for which {@link #isFailure(int)} holds
   * @param upstream what the message calls the upstream; not null
   * @return the exception, for the caller to throw
   * @throws IllegalArgumentException if {@code status} is no failure
   */
  public static ProviderException failure(int status, String upstream) {
    Objects.requireNonNull(upstream, "upstream");
    if (isTransient(status)) {
      return ProviderException.transientFailure("http_" + status,
          upstream + " answered HTTP " + status + "; retry later");
    }
    if (isFailure(status)) {
      return ProviderException.definitive("http_" + status, upstream + " answered HTTP " + status);
    }
    throw new IllegalArgumentException("HTTP " + status + " is no failure by itself; read the body");
  }

  /**
   * The failure whose code the upstream named in its answer: definitive (e.g. {@code
   * invalid_grant}), or transient for a code that asks for a later retry ({@link
   * #RETRY_LATER_CODES}).
   *
   * @param upstream what the message calls the upstream; not null
   * @param upstreamCode the code as the upstream sent it, or null; {@linkplain
   *     ProviderException#sanitize sanitised} (it is attacker-controlled input)
   * @return the exception, for the caller to throw: transient for a retry-later code, else definitive
   */
  public static ProviderException rejected(String upstream, String upstreamCode) {
    Objects.requireNonNull(upstream, "upstream");
    String code = ProviderException.sanitize(upstreamCode);
    if (RETRY_LATER_CODES.contains(code)) {
      return ProviderException.transientFailure(code, upstream + " asked for a later retry (" + code + ")");
    }
    return ProviderException.definitive(code, upstream + " rejected the grant (" + code + ")");
  }

  /** The charset a response names in its {@code Content-Type}, else UTF-8 (as {@code ofString} reads). */
  private static java.nio.charset.Charset charsetOf(HttpResponse.ResponseInfo info) {
    String type = info.headers().firstValue("Content-Type").orElse("");
    for (String part : type.split(";")) {
      String p = part.strip();
      if (p.regionMatches(true, 0, "charset=", 0, 8)) {
        try {
          return java.nio.charset.Charset.forName(p.substring(8).replace("\"", "").strip());
        } catch (IllegalArgumentException unknown) {
          break; // read as UTF-8, as an unknown charset would be unreadable anyway
        }
      }
    }
    return java.nio.charset.StandardCharsets.UTF_8;
  }

  /** A body longer than the caller's limit: the subscriber gave up reading it. */
  private static final class BodyTooLong extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLong() {
      super("response body over the limit", null);
    }
  }

  /** Collects a body as text up to a limit; past it, cancels the subscription and fails. */
  private static final class BoundedBody implements HttpResponse.BodySubscriber<String> {
    private final int maxBytes;
    private final java.nio.charset.Charset charset;
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    private final java.util.concurrent.CompletableFuture<String> body = new java.util.concurrent.CompletableFuture<>();
    private java.util.concurrent.Flow.Subscription subscription;

    BoundedBody(int maxBytes, java.nio.charset.Charset charset) {
      this.maxBytes = maxBytes;
      this.charset = charset;
    }

    @Override
    public java.util.concurrent.CompletionStage<String> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(java.util.List<java.nio.ByteBuffer> items) {
      if (body.isDone()) {
        return;
      }
      for (java.nio.ByteBuffer b : items) {
        if (b.remaining() > maxBytes - bytes.size()) { // no int overflow, whatever the limit
          subscription.cancel();
          body.completeExceptionally(new BodyTooLong());
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      body.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      body.complete(new String(bytes.toByteArray(), charset));
    }
  }

  /**
   * A transient {@value #INVALID_RESPONSE} failure: the answer could not be read or lacks a value.
   *
   * @param upstream what the message calls the upstream; not null
   * @param what what was wrong, e.g. {@code answered without an access_token}; never a value from
   *     the answer
   * @return the exception, for the caller to throw
   */
  public static ProviderException unreadable(String upstream, String what) {
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(what, "what");
    return ProviderException.transientFailure(INVALID_RESPONSE, upstream + " " + what);
  }
}
