package dev.tether.core;

import java.time.Instant;

/** What the store keeps of a session. Immutable. */
record SessionRecord(String id, String userId, SessionOptions options, Instant createdAt) {}
