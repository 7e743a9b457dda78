// What the fleet knows about every chat, whichever instance runs it: a hash per chat in Redis
// with its folder and pi session file (what another instance needs to continue it after its
// owner died or handed it back), plus what a chat list shows (title, status, last activity).
// Written by the owner when these change — a few writes per turn, never per streamed delta.
import type { ChatStatus } from "../../protocol/transcript";
import type { ChatSummary } from "../../protocol/types";
import type { FleetRedis } from "./redis";

export interface ChatRecord {
  chatId: string;
  cwd: string;
  /** pi's session file; undefined until pi reported it. */
  sessionFile?: string;
  /** The instance that owned the chat last. */
  owner: string;
  title: string;
  status: ChatStatus;
  lastActivity: number;
  created: number;
}

const STATUSES = new Set<string>(["starting", "ready", "working", "stopped", "crashed", "error"]);

export class ChatRecords {
  /** The fields last written per chat, so an unchanged record costs no command. */
  private readonly written = new Map<string, string>();

  constructor(private readonly redis: FleetRedis) {}

  private key(chatId: string): string {
    return this.redis.key("chat", chatId);
  }

  /** Writes the record if anything in it changed since the last write from here. */
  async put(record: ChatRecord): Promise<void> {
    const fields: Record<string, string> = {
      cwd: record.cwd,
      owner: record.owner,
      title: record.title,
      status: record.status,
      lastActivity: String(record.lastActivity),
      created: String(record.created),
      ...(record.sessionFile ? { sessionFile: record.sessionFile } : {}),
    };
    const text = JSON.stringify(fields);
    if (this.written.get(record.chatId) === text) return;
    this.written.set(record.chatId, text);
    try {
      await this.redis.client.multi().hset(this.key(record.chatId), fields).zadd(this.redis.key("chats"), record.created, record.chatId).exec();
    } catch (err) {
      this.written.delete(record.chatId);
      throw err;
    }
  }

  async get(chatId: string): Promise<ChatRecord | undefined> {
    return recordFrom(chatId, await this.redis.client.hgetall(this.key(chatId)));
  }

  /** Every chat of the fleet, oldest first (at most `limit`). */
  async list(limit = 500): Promise<ChatRecord[]> {
    const ids = await this.redis.client.zrange(this.redis.key("chats"), "0", String(limit - 1));
    if (ids.length === 0) return [];
    const pipeline = this.redis.client.pipeline();
    for (const id of ids) pipeline.hgetall(this.key(id));
    const replies = (await pipeline.exec()) ?? [];
    const out: ChatRecord[] = [];
    ids.forEach((id, i) => {
      const [err, value] = replies[i] ?? [];
      const record = err ? undefined : recordFrom(id, value);
      if (record) out.push(record);
    });
    return out;
  }

  /** The chat was closed for good. */
  async remove(chatId: string): Promise<void> {
    this.written.delete(chatId);
    await this.redis.client.multi().del(this.key(chatId)).zrem(this.redis.key("chats"), chatId).exec();
  }

  /** Forget what was written (after Redis lost its data, every record is written again). */
  forgetWritten(): void {
    this.written.clear();
  }
}

export function summaryOf(record: ChatRecord): ChatSummary {
  // A chat on another instance: its record carries no open questions, so it shows its status.
  return { chatId: record.chatId, title: record.title, cwd: record.cwd, status: record.status, state: record.status, waiting: [], lastActivity: record.lastActivity };
}

function recordFrom(chatId: string, raw: unknown): ChatRecord | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const h = raw as Record<string, string | undefined>;
  if (!h.cwd || !h.owner) return undefined;
  return {
    chatId,
    cwd: h.cwd,
    sessionFile: h.sessionFile || undefined,
    owner: h.owner,
    title: h.title ?? "",
    status: (STATUSES.has(h.status ?? "") ? h.status : "stopped") as ChatStatus,
    lastActivity: Number(h.lastActivity) || 0,
    created: Number(h.created) || 0,
  };
}
