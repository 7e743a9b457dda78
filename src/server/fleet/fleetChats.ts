// The fleet's side of a chat's life on this instance: a new chat takes a pi slot and its lease
// and opens its stream; a chat nobody runs (its owner died or handed it back) is taken over
// here — same id, same pi session file, pi restarted on it, a "continued on another server"
// line; closing, idle reclaim, a lost lease and shutdown give the lease and the slot back.
import { randomUUID } from "node:crypto";
import type { Chat } from "../../host/chat/chat";
import type { ChatHost } from "../../host/chatHost";
import { ActionError, errorText } from "../../protocol/actionError";
import type { ChatSummary } from "../../protocol/types";
import { type ChatRecord, ChatRecords, summaryOf } from "./chatRecords";
import type { Fleet } from "./fleet";
import type { LifecycleLog } from "./lifecycleLog";
import type { FleetMetrics } from "./metrics";
import type { FleetLog } from "./redis";

export const CONTINUED_NOTICE = "This chat continued on another server: pi was restarted on the same session, the transcript is kept.";

/** The lease was taken by another instance while we tried: locate the chat again. */
export class ChatTakenError extends Error {
  constructor(readonly chatId: string) {
    super(`chat ${chatId} was taken by another instance`);
    this.name = "ChatTakenError";
  }
}

export interface FleetChatsOptions {
  fleet: Fleet;
  host: ChatHost;
  /** Extra environment for the chats this server runs (the demo agent dir). */
  chatEnv?: NodeJS.ProcessEnv;
  metrics: FleetMetrics;
  lifecycle: LifecycleLog;
  log: FleetLog;
}

const retryAfter = (ms: number) => ({ "Retry-After": String(Math.max(1, Math.ceil(ms / 1000))) });

export class FleetChats {
  readonly records: ChatRecords;
  /** Takeovers in progress, so two requests for one free chat start one pi. */
  private readonly taking = new Map<string, Promise<Chat>>();
  /** Per chat owned here: what stops watching it. */
  private readonly watching = new Map<string, () => void>();

  constructor(private readonly o: FleetChatsOptions) {
    this.records = new ChatRecords(o.fleet.redis);
    // Redis came back (perhaps empty after a restart): write every record of ours again.
    o.fleet.redis.onState((state) => {
      if (state !== "ok") return;
      this.records.forgetWritten();
      for (const id of o.fleet.leases.heldChats()) this.saveRecord(id);
    });
  }

  private get me(): string {
    return this.o.fleet.instanceId;
  }

  /** Before a new chat: its id, a pi slot and its lease; refused (503, Retry-After) when the fleet or this instance is full. */
  async reserve(): Promise<string> {
    const { fleet } = this.o;
    if (fleet.isDraining) throw new ActionError("unavailable", "This server is shutting down.", retryAfter(1000));
    const chatId = randomUUID();
    const admitted = await fleet.caps.admit(chatId).catch(() => {
      throw new ActionError("unavailable", "The fleet cannot reach Redis, so it cannot take a new chat now; try again shortly.", retryAfter(2_000));
    });
    if (!admitted.ok) throw new ActionError("unavailable", admitted.message, { "Retry-After": String(admitted.retryAfterSeconds) });
    const got = await fleet.leases.acquire(chatId);
    if (!got.ok) {
      await fleet.caps.release(chatId);
      throw new ActionError(
        "unavailable",
        "The fleet cannot take new chats right now (Redis recovering); try again.",
        retryAfter(got.reason === "grace" ? got.retryAfterMs : 1000),
      );
    }
    return chatId;
  }

  /** After host.createChat: the chat's stream opens and its record is written. */
  async created(chat: Chat): Promise<void> {
    await this.o.fleet.hub.own(chat);
    this.watch(chat);
    this.o.metrics.sessionCreated();
    this.o.lifecycle.record({ event: "create", chatId: chat.id, cwd: chat.cwd });
    await this.records.put(this.recordOf(chat)).catch(() => undefined);
  }

  /** The user closed the chat: gone from the fleet, lease and slot back. */
  async closed(chatId: string): Promise<void> {
    const { fleet } = this.o;
    this.unwatch(chatId);
    await fleet.hub.close(chatId).catch(() => undefined);
    await Promise.allSettled([fleet.streams.remove(chatId), this.records.remove(chatId), fleet.leases.release(chatId), fleet.caps.release(chatId)]);
    this.o.metrics.forget(chatId);
    this.createdAt.delete(chatId);
    this.o.lifecycle.record({ event: "stop", chatId, reason: "user" });
  }

  /** Closing a chat nobody runs: only its record and stream go. False when there is no such chat. */
  async forget(chatId: string): Promise<boolean> {
    if (!(await this.records.get(chatId))) return false;
    await Promise.allSettled([this.o.fleet.streams.remove(chatId), this.records.remove(chatId)]);
    this.o.lifecycle.record({ event: "stop", chatId, reason: "closed" });
    return true;
  }

  /** Every chat of the fleet; those running here with their current status. */
  async list(): Promise<ChatSummary[]> {
    const records = await this.records.list();
    return records.map((r) => {
      const local = this.o.fleet.leases.holds(r.chatId) ? this.o.host.get(r.chatId) : undefined;
      return local ? summaryOf(this.recordOf(local)) : summaryOf(r);
    });
  }

  /** Continues a chat no instance runs: lease, slot, pi on its session file. Throws ChatTakenError when another instance was faster. */
  takeOver(chatId: string): Promise<Chat> {
    let pending = this.taking.get(chatId);
    if (!pending) {
      pending = this.doTakeOver(chatId).finally(() => this.taking.delete(chatId));
      this.taking.set(chatId, pending);
    }
    return pending;
  }

  private async doTakeOver(chatId: string): Promise<Chat> {
    const { fleet, host } = this.o;
    if (fleet.isDraining) throw new ActionError("unavailable", "This server is shutting down.", retryAfter(1000));
    // The lease first: while Redis recovers from losing its data (grace period) the owners write
    // their records again, and a missing record then would be a false 404.
    const got = await fleet.leases.acquire(chatId);
    if (!got.ok) {
      if (got.reason === "owned") throw new ChatTakenError(chatId);
      throw new ActionError("unavailable", "Redis lost its data; chats resume after a short grace period.", retryAfter(got.retryAfterMs));
    }
    const record = await this.records.get(chatId).catch(async (err: unknown) => {
      await fleet.leases.release(chatId).catch(() => undefined);
      throw err;
    });
    if (!record) {
      await fleet.leases.release(chatId).catch(() => undefined);
      throw new ActionError("not_found", `No chat with id "${chatId.slice(0, 100)}".`);
    }
    const admitted = await fleet.caps.admit(chatId).catch((err: unknown) => ({ ok: false as const, message: errorText(err), retryAfterSeconds: 1 }));
    if (!admitted.ok) {
      await fleet.leases.release(chatId).catch(() => undefined);
      throw new ActionError("unavailable", admitted.message, { "Retry-After": String(admitted.retryAfterSeconds) });
    }
    // A chat object left from an earlier ownership (its lease was lost meanwhile) is stale.
    if (host.get(chatId)) await host.dispose(chatId);
    this.createdAt.set(chatId, record.created || Date.now());
    const chat = host.createChat({ id: chatId, cwd: record.cwd, env: this.o.chatEnv, sessionFile: record.sessionFile });
    await fleet.hub.own(chat);
    this.watch(chat);
    // pi reloads the transcript from the session file; the notice goes after it, or the reload would drop it.
    await chat.start().catch(() => undefined);
    const moved = record.owner !== this.me;
    if (moved) {
      chat.notice("info", CONTINUED_NOTICE);
      this.o.metrics.sessionMoved("in");
      this.o.lifecycle.record({ event: "moved", chatId, from: record.owner, to: this.me, reason: "failover" });
    }
    this.saveRecord(chatId);
    return chat;
  }

  /** Another instance holds the chat now (our lease expired during an outage): stop our pi, forget the chat. */
  async leaseLost(chatId: string, owner: string | undefined): Promise<void> {
    const { fleet, host } = this.o;
    this.unwatch(chatId);
    await fleet.hub.disown(chatId).catch(() => undefined);
    await fleet.caps.release(chatId).catch(() => undefined);
    await host.dispose(chatId);
    this.o.metrics.sessionMoved("out");
    this.o.lifecycle.record({ event: "moved", chatId, from: this.me, to: owner ?? "(none)", reason: "lease_lost" });
  }

  /** The idle check stopped the chat's pi: the chat leaves this instance; the next request anywhere continues it. */
  async reclaimed(chat: Chat): Promise<void> {
    const { fleet, host } = this.o;
    if (!fleet.leases.holds(chat.id)) return;
    const idleMs = Date.now() - chat.lastActivity;
    await this.records.put(this.recordOf(chat)).catch(() => undefined);
    this.unwatch(chat.id);
    await fleet.hub.disown(chat.id);
    await Promise.allSettled([fleet.leases.release(chat.id), fleet.caps.release(chat.id)]);
    await host.dispose(chat.id);
    this.o.metrics.sessionReclaimed();
    this.o.lifecycle.record({ event: "idle_reclaim", chatId: chat.id, idleMs });
  }

  /** Graceful shutdown: views told, pi stopped, then leases back (another instance takes over at once). */
  async shutdown(): Promise<void> {
    const { fleet, host } = this.o;
    for (const chatId of fleet.leases.heldChats()) {
      this.o.metrics.sessionMoved("out");
      this.o.lifecycle.record({ event: "stop", chatId, reason: "shutdown" });
    }
    await fleet.shutdown(async () => {
      await host.stopAll();
      // The records say "stopped" before the leases go back.
      await Promise.allSettled(fleet.leases.heldChats().map((id) => this.records.get(id).then((r) => r && this.records.put({ ...r, status: "stopped" }))));
      for (const off of this.watching.values()) off();
      this.watching.clear();
    });
  }

  private recordOf(chat: Chat): ChatRecord {
    return {
      chatId: chat.id,
      cwd: chat.cwd,
      sessionFile: chat.piSessionFile,
      owner: this.me,
      title: chat.info.title,
      status: chat.status,
      lastActivity: chat.lastActivity,
      created: this.createdAt.get(chat.id) ?? Date.now(),
    };
  }

  private readonly createdAt = new Map<string, number>();

  private saveRecord(chatId: string): void {
    const chat = this.o.host.get(chatId);
    if (!chat || !this.o.fleet.leases.holds(chatId)) return;
    this.records.put(this.recordOf(chat)).catch((err: unknown) => this.o.log("debug", "chat record not written", { chatId, err: errorText(err) }));
  }

  /** Keeps the record, the crash count and the usage figures current while the chat is ours. */
  private watch(chat: Chat): void {
    this.unwatch(chat.id);
    if (!this.createdAt.has(chat.id)) this.createdAt.set(chat.id, Date.now());
    const offStatus = chat.onStatus((status) => {
      if (status === "crashed") {
        this.o.metrics.sessionCrashed();
        // After the patch that set the status has been applied: the detail describes the exit.
        queueMicrotask(() => this.o.lifecycle.record({ event: "crash", chatId: chat.id, exitCode: null, signal: null, stderrTail: chat.snapshot().statusDetail ?? "" }));
      }
    });
    const offActivity = chat.onActivity(() => {
      this.saveRecord(chat.id);
      const { usage, model } = chat.info;
      if (usage) this.o.metrics.usage(chat.id, model ?? "unknown", usage);
    });
    this.watching.set(chat.id, () => {
      offStatus();
      offActivity();
    });
  }

  private unwatch(chatId: string): void {
    this.watching.get(chatId)?.();
    this.watching.delete(chatId);
  }
}
