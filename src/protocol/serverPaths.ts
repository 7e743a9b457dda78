// The server's routes that are not chat actions (sign-in, health, the event stream), shared by
// the server and the browser page so neither spells a path the other does not know.
export const API_PREFIX = "/api/v1";

export const AUTH_PATHS = {
  status: "/auth/status",
  login: "/auth/login",
  ticket: "/auth/ticket",
  logout: "/auth/logout",
  /** A short-lived, single-purpose token for one chat's event stream (EventSource cannot send headers). */
  streamToken: "/auth/stream-token",
} as const;

export const HEALTH_PATH = "/health";
