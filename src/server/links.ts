// Links to the browser page of one chat, e.g. for "Pi: Open Chat in Browser".
// The ticket rides in the #fragment: browsers never send it to the server (so it is in no
// access log) nor in a Referer; the page reads it, exchanges it once and removes it.

/**
 * `<baseUrl>/?chat=<id>#ticket=<ticket>` (no fragment without a ticket). A query already in
 * `baseUrl` (a port forwarder's, say) is kept.
 */
export function chatPageUrl(baseUrl: string, chatId: string, ticket?: string): string {
  const url = new URL(baseUrl);
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  url.searchParams.set("chat", chatId);
  url.hash = ticket ? `ticket=${encodeURIComponent(ticket)}` : "";
  return url.toString();
}

/** `<baseUrl>/#ticket=<ticket>`: the page signs in with the ticket, then opens the latest chat. */
export function loginPageUrl(baseUrl: string, ticket: string): string {
  const url = new URL(baseUrl);
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  url.hash = `ticket=${encodeURIComponent(ticket)}`;
  return url.toString();
}
