package dev.tether.core;

import com.google.common.collect.ImmutableMap;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The typed result of {@link Session#manageConnections}; {@link Session#execute} renders it as the
 * wire JSON of {@code COMPOSIO_MANAGE_CONNECTIONS}.
 *
 * @param results per toolkit, in the order asked (normalised and de-duplicated)
 * @param summary counts by status; they add up to the total
 * @param message the overall sentence for the agent
 * @param sessionId the session to pass as {@code session_id} in later calls
 * @param sessionInstructions tells the agent to keep passing {@code sessionId}
 */
public record ManageConnectionsResult(
    Map<String, ToolkitResult> results,
    Summary summary,
    String message,
    String sessionId,
    String sessionInstructions) {

  /**
   * Copies the results, keeping their order.
   *
   * @param results outcome by normalised slug, copied in iteration order; not null, and no key or
   *     value is null
   * @param summary counts by status; not null
   * @param message the overall sentence for the agent; not null
   * @param sessionId the session's {@code trs_…} id; not null
   * @param sessionInstructions the instruction to keep passing the session id; not null
   * @throws NullPointerException naming what is null
   */
  public ManageConnectionsResult {
    Objects.requireNonNull(results, "results");
    results = ImmutableMap.copyOf(results); // no copy when the engine built it; refuses a null key or value
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(sessionInstructions, "sessionInstructions");
  }

  /** Shows each toolkit's outcome without its link (see {@link ToolkitResult#toString()}). */
  @Override
  public String toString() {
    return "ManageConnectionsResult[session=" + sessionId + ", " + summary + ", results=" + results.values() + "]";
  }

  /** A toolkit's outcome status, as on the wire. */
  public enum Status {
    /** Connected (or no auth needed). */
    ACTIVE,
    /** A link is waiting for the user. */
    INITIATED,
    /** Unknown, not enabled, or no link could be built. */
    FAILED;

    private final String wire = name().toLowerCase(java.util.Locale.ROOT);

    /**
     * The lower-case wire value.
     *
     * @return {@code active}, {@code initiated} or {@code failed}
     */
    public String wire() {
      return wire;
    }
  }

  /**
   * One toolkit's outcome. Which optional fields are present depends on the case (BEHAVIOUR.md §5).
   *
   * @param toolkit the normalised slug
   * @param status the outcome
   * @param hasActiveConnection true for ACTIVE outcomes
   * @param connectedAccountId the account concerned
   * @param createdAt when an ACTIVE account was created
   * @param redirectUrl the link for the user, for INITIATED outcomes
   * @param instruction what the agent should tell the user, for INITIATED outcomes
   * @param wasReinitiated for a new link: whether an ACTIVE account existed
   * @param errorMessage why, for FAILED outcomes
   */
  public record ToolkitResult(
      String toolkit,
      Status status,
      boolean hasActiveConnection,
      Optional<String> connectedAccountId,
      Optional<Instant> createdAt,
      Optional<URI> redirectUrl,
      Optional<String> instruction,
      Optional<Boolean> wasReinitiated,
      Optional<String> errorMessage) {
    /**
     * Checks that no component is null.
     *
     * @param toolkit the normalised slug
     * @param status the outcome
     * @param hasActiveConnection true for ACTIVE outcomes
     * @param connectedAccountId the account concerned, or empty (e.g. a no-auth toolkit)
     * @param createdAt when an ACTIVE account was created, else empty
     * @param redirectUrl the link for the user when INITIATED, else empty
     * @param instruction what the agent should tell the user when INITIATED, else empty
     * @param wasReinitiated for a new link, whether an ACTIVE account existed; else empty
     * @param errorMessage why, when FAILED; else empty
     */
    public ToolkitResult {
      Objects.requireNonNull(toolkit, "toolkit");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(connectedAccountId, "connectedAccountId");
      Objects.requireNonNull(createdAt, "createdAt");
      Objects.requireNonNull(redirectUrl, "redirectUrl");
      Objects.requireNonNull(instruction, "instruction");
      Objects.requireNonNull(wasReinitiated, "wasReinitiated");
      Objects.requireNonNull(errorMessage, "errorMessage");
    }

    /** Shows the link's host only: a direct authorization URL (and the instruction quoting it) carries the state. */
    @Override
    public String toString() {
      return "ToolkitResult[" + toolkit + ", " + status.wire()
          + connectedAccountId.map(id -> ", account=" + id).orElse("")
          + redirectUrl.map(u -> ", redirectTo=" + u.getHost()).orElse("")
          + wasReinitiated.map(w -> ", wasReinitiated=" + w).orElse("")
          + errorMessage.map(m -> ", error=" + m).orElse("") + "]";
    }

    static ToolkitResult failed(String toolkit, String message) {
      return new ToolkitResult(toolkit, Status.FAILED, false, Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(message));
    }

    static ToolkitResult noAuth(String toolkit) {
      return new ToolkitResult(toolkit, Status.ACTIVE, true, Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    static ToolkitResult active(String toolkit, dev.tether.core.store.StoredAccount account) {
      return new ToolkitResult(toolkit, Status.ACTIVE, true, Optional.of(account.id()),
          Optional.of(account.createdAt()), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty());
    }

    static ToolkitResult initiated(String toolkit, String displayName, dev.tether.core.store.StoredAccount pending,
        Optional<Boolean> wasReinitiated) {
      String instruction = "Ask the user to open " + pending.redirectUrl() + " to connect their "
          + displayName + " account, then call this tool again to confirm.";
      return new ToolkitResult(toolkit, Status.INITIATED, false, Optional.of(pending.id()),
          Optional.empty(), Optional.of(URI.create(pending.redirectUrl())), Optional.of(instruction), wasReinitiated,
          Optional.empty());
    }
  }

  /**
   * Counts by outcome.
   *
   * @param totalToolkits the number of (distinct) toolkits asked about
   * @param activeConnections how many are active
   * @param initiatedConnections how many wait for the user
   * @param failedConnections how many failed
   */
  public record Summary(int totalToolkits, int activeConnections, int initiatedConnections, int failedConnections) {
    /**
     * Checks that the counts add up.
     *
     * @param totalToolkits the number of distinct toolkits asked about
     * @param activeConnections how many are active
     * @param initiatedConnections how many wait for the user
     * @param failedConnections how many failed
     * @throws IllegalArgumentException if the three counts do not add up to the total
     */
    public Summary {
      if (activeConnections + initiatedConnections + failedConnections != totalToolkits) {
        throw new IllegalArgumentException("Summary counts " + activeConnections + "+" + initiatedConnections
            + "+" + failedConnections + " do not add up to " + totalToolkits);
      }
    }
  }
}
