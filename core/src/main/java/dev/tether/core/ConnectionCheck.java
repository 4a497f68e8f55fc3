package dev.tether.core;

import java.util.List;
import java.util.Objects;

/**
 * One completed connection check ("is this user connected to these toolkits?") as a {@link
 * ConnectionCheckRecorder} sees it: which entry point asked, and each toolkit's status, or that the
 * request was refused. It names toolkits only, never the user, the session, an account or a
 * secret, so every part of it may become a metric tag. Immutable and thread-safe.
 *
 * @param source the entry point that ran the check
 * @param refused true when the request was refused before any toolkit was looked at (bad
 *     arguments, an expired session, a meta-tool the session does not offer); {@code toolkits} is
 *     then empty and {@code unknownToolkits} zero
 * @param toolkits each toolkit checked that the engine serves, with its status, in the order asked
 *     and without repeats; for {@link Source#SEARCH_TOOLS}, the toolkits the search returned
 * @param unknownToolkits how many requested slugs no provider serves; their text (what a caller or
 *     a model typed) is not passed on
 */
public record ConnectionCheck(Source source, boolean refused, List<ToolkitStatus> toolkits, int unknownToolkits) {

  /**
   * Checks and copies the parts.
   *
   * @param source the entry point; not null
   * @param refused whether the request was refused
   * @param toolkits the toolkits and their statuses; not null, copied
   * @param unknownToolkits the number of requested slugs no provider serves; not negative
   * @throws IllegalArgumentException if {@code unknownToolkits} is negative, or a refused check
   *     names toolkits
   */
  public ConnectionCheck {
    Objects.requireNonNull(source, "source");
    toolkits = List.copyOf(toolkits);
    if (unknownToolkits < 0) {
      throw new IllegalArgumentException("unknownToolkits must not be negative, got " + unknownToolkits);
    }
    if (refused && (!toolkits.isEmpty() || unknownToolkits != 0)) {
      throw new IllegalArgumentException("A refused check names no toolkits, got " + toolkits + " and "
          + unknownToolkits + " unknown");
    }
  }

  /**
   * A refused request: nothing was checked.
   *
   * @param source the entry point that refused it; not null
   * @return the check, with no toolkits
   */
  public static ConnectionCheck refusal(Source source) {
    return new ConnectionCheck(source, true, List.of(), 0);
  }

  /**
   * Whether the caller may go ahead: the request was not refused, it named at least one toolkit,
   * and every toolkit it named is served and {@link Status#ACTIVE}.
   *
   * @return true when every toolkit is ready to use
   */
  public boolean allActive() {
    if (refused || unknownToolkits != 0 || toolkits.isEmpty()) {
      return false;
    }
    for (ToolkitStatus t : toolkits) {
      if (t.status() != Status.ACTIVE) {
        return false;
      }
    }
    return true;
  }

  /** The entry point that ran a check. */
  public enum Source {
    /** {@link Session#manageConnections(List, boolean)}, the typed call. */
    TYPED,
    /** The {@code COMPOSIO_MANAGE_CONNECTIONS} meta-tool, through {@link Session#execute}. */
    MANAGE_CONNECTIONS,
    /** The {@code COMPOSIO_SEARCH_TOOLS} meta-tool, through {@link Session#execute}. */
    SEARCH_TOOLS,
    /**
     * The {@code COMPOSIO_WAIT_FOR_CONNECTIONS} meta-tool, through {@link Session#execute}; its
     * elapsed time includes the wait.
     */
    WAIT_FOR_CONNECTIONS
  }

  /** Where the user stands with one toolkit after the check. */
  public enum Status {
    /** Connected, or the toolkit needs no authorization. */
    ACTIVE,
    /** A link is waiting for the user (one already pending, or one the check started). */
    INITIATED,
    /** The user never connected it (reported by the search and wait meta-tools). */
    NOT_CONNECTED,
    /** The user's latest account for it is disabled (search and wait). */
    INACTIVE,
    /** The user's latest account or link for it expired (search and wait). */
    EXPIRED,
    /**
     * Not usable: not enabled in the session, no link could be built, a pinned account is not
     * active, or the user's latest link failed.
     */
    FAILED
  }

  /**
   * One toolkit and its status.
   *
   * @param toolkit the toolkit's slug, one the engine serves
   * @param status where the user stands with it
   */
  public record ToolkitStatus(String toolkit, Status status) {
    /**
     * Checks the parts.
     *
     * @param toolkit the slug; not null
     * @param status the status; not null
     */
    public ToolkitStatus {
      Objects.requireNonNull(toolkit, "toolkit");
      Objects.requireNonNull(status, "status");
    }
  }
}
