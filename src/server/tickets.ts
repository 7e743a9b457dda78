// Single-use login tickets (a link from VS Code or the CLI), valid for a short time.
import { createHash, randomBytes } from "node:crypto";

function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/**
 * Only the tickets' SHA-256 is kept, so a lookup's timing reveals nothing about a live ticket.
 * Bounded: the oldest are dropped past `max`.
 */
export class LoginTickets {
  private readonly live = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 100,
  ) {}

  issue(nowMs = Date.now()): string {
    this.sweep(nowMs);
    while (this.live.size >= this.max) this.live.delete(this.live.keys().next().value as string);
    const ticket = randomBytes(32).toString("base64url");
    this.live.set(digest(ticket), nowMs + this.ttlMs);
    return ticket;
  }

  /** True once per issued, unexpired ticket; the ticket is spent either way. */
  redeem(ticket: string, nowMs = Date.now()): boolean {
    if (ticket.length > 200) return false;
    const key = digest(ticket);
    const expiresAt = this.live.get(key);
    this.live.delete(key);
    return expiresAt !== undefined && nowMs < expiresAt;
  }

  get size(): number {
    return this.live.size;
  }

  private sweep(nowMs: number): void {
    for (const [k, exp] of this.live) if (exp <= nowMs) this.live.delete(k);
  }
}
