package dev.tether.core;

/** The session was idle longer than the engine's session timeout and is gone; create a new one. */
public final class SessionExpiredException extends TetherException {
  private static final long serialVersionUID = 1L;

  SessionExpiredException(String sessionId) {
    super("Session " + sessionId + " has expired or does not exist; create a new session with "
        + "tether.createSession(userId)");
  }
}
