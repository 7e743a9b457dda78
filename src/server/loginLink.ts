// How the headless CLI lets its user in when no API_KEY or UI_PASSWORD is set: a credential is
// still required (any local user or process could otherwise drive the agent's shell), and the
// CLI prints a one-time login link, as VS Code's own server does. `--no-auth` opts out, loudly.
import type { ServerConfig } from "./config";
import { ConfigError } from "./config";
import type { PiServer } from "./httpServer";
import { loginPageUrl } from "./links";

/** A link printed in a terminal may wait a while before it is opened; it still works once only. */
export const LINK_TICKET_TTL_MS = 10 * 60_000;

export interface AuthMode {
  config: ServerConfig;
  /** Print login links once listening (no credential is configured). */
  links: boolean;
  /** Said on stderr before starting. */
  warning?: string;
}

export function cliAuthMode(config: ServerConfig, noAuth: boolean): AuthMode {
  const configured = !!(config.apiKey || config.uiPassword);
  if (noAuth && configured) throw new ConfigError("--no-auth cannot be combined with API_KEY or UI_PASSWORD: unset them, or drop --no-auth.");
  if (configured) return { config, links: false };
  if (noAuth) {
    return {
      config,
      links: false,
      warning:
        `WARNING: --no-auth: this server asks for no credential. Any user or process on this machine can reach ${config.host} ` +
        "and run commands through the agent (its shell, its file edits). Use it only on a machine that is yours alone.",
    };
  }
  return { config: { ...config, requireAuth: true, loginTicketTtlMs: LINK_TICKET_TTL_MS }, links: true };
}

/**
 * Prints a login link to `out` now, and a fresh one on Enter (when stdin is a terminal) or
 * SIGUSR1. Returns the first link (for --open) and a function that stops listening.
 */
export function announceLoginLinks(server: PiServer, out: NodeJS.WritableStream = process.stderr): { first: string; stop(): void } {
  const minutes = Math.round(LINK_TICKET_TTL_MS / 60_000);
  const tty = process.stdin.isTTY === true;
  const again = [tty ? "press Enter" : "", process.platform === "win32" ? "" : `kill -USR1 ${process.pid}`].filter(Boolean).join(" or ");
  const print = () => {
    const link = loginPageUrl(server.url, server.issueLoginTicket());
    out.write(`pi-vscode-server: open this link to sign in (works once, within ${minutes} minutes):\n  ${link}\n${again ? `  For another link: ${again}.\n` : ""}`);
    return link;
  };
  const first = print();
  const onSignal = () => void print();
  const onLine = () => void print();
  if (process.platform !== "win32") process.on("SIGUSR1", onSignal);
  if (tty) process.stdin.on("data", onLine);
  return {
    first,
    stop() {
      process.off("SIGUSR1", onSignal);
      if (tty) {
        process.stdin.off("data", onLine);
        process.stdin.pause();
      }
    },
  };
}
