package dev.tether.core;

import java.time.Instant;

/** What the store keeps of a session. Immutable. */
record SessionRecord(String id, String userId, SessionOptions options, Instant createdAt, String instructions) {
  SessionRecord(String id, String userId, SessionOptions options, Instant createdAt) {
    this(id, userId, options, createdAt, "Pass session_id \"" + id + "\" in every later COMPOSIO_MANAGE_CONNECTIONS call "
        + "of this conversation.");
  }
}
