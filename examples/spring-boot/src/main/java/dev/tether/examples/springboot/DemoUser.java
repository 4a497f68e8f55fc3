package dev.tether.examples.springboot;

import dev.tether.core.Session;

/**
 * The demo's one signed-in user: the Tether session and the chat with the scripted agent. A real
 * application keeps one session per end user.
 *
 * @param session the user's Tether session
 * @param agent the chat
 */
record DemoUser(Session session, ChatAgent agent) {}
