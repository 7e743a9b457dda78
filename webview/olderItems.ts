// Pages a long chat's history into the view's copy as the user scrolls up. The snapshot holds
// only the latest items (`older` counts the rest); each page is the items just before the
// first one held, as of a `seq` that ends a batch the view was sent (the host flushes first).
// Patches keep arriving meanwhile, so:
//  - a patch for an item the view does not hold is expected while `older` > 0: it is skipped,
//    not a reason to resync (a tool far up the chat may still finish);
//  - skipped patches seen while a page is on its way may belong to it: those after the page's
//    `seq` are applied to it when it goes in; earlier ones are already in it;
//  - a page newer than the view (its stream lags the answer, over HTTP) waits until the view
//    has caught up to its `seq`;
//  - a snapshot replaces everything, so a page asked for before it is dropped.
import type { ChatPatch, ChatState, OlderItems } from "../src/protocol/transcript";
import { applyPatch } from "../src/protocol/transcript";
import type { ChatTransport } from "./transport";

export type OlderStatus = "idle" | "loading" | "failed";

/** Skipped patches kept while a page is on its way; past this the view resyncs instead. */
const MAX_SKIPPED = 5_000;

/** The item a patch changes (undefined: it changes none, or it adds one). */
export function patchTarget(patch: ChatPatch): string | undefined {
  switch (patch.op) {
    case "replace":
      return patch.item.id;
    case "append":
    case "toolOutput":
    case "finish":
      return patch.itemId;
    default:
      return undefined;
  }
}

export interface PagedStore {
  readonly state: ChatState;
  /** The state changed: render again. */
  changed(): void;
  /** Give up and take a fresh snapshot. */
  resync(): void;
}

export class OlderItemsLoader {
  status: OlderStatus = "idle";
  /** Bumped by every snapshot: an answer to an older generation is stale. */
  private generation = 0;
  private pending = false;
  private parked: OlderItems | undefined;
  private skipped: Array<{ seq: number; patch: ChatPatch }> = [];
  private overflow = false;

  constructor(
    private readonly transport: ChatTransport,
    private readonly store: PagedStore,
  ) {}

  /** A snapshot replaced the state. */
  reset(): void {
    this.generation++;
    this.pending = false;
    this.parked = undefined;
    this.skipped = [];
    this.overflow = false;
    this.status = "idle";
  }

  /** True when a patch that did not apply is for an item older than the view holds (skip it). */
  skip(seq: number, patch: ChatPatch): boolean {
    const { state } = this.store;
    const target = patchTarget(patch);
    if (state.older === 0 || target === undefined || state.index.has(target)) return false;
    if (this.pending) {
      if (this.skipped.length < MAX_SKIPPED) this.skipped.push({ seq, patch });
      else this.overflow = true;
    }
    return true;
  }

  /** After a batch is applied: a page waiting for the view to catch up goes in now. */
  caughtUp(): void {
    if (this.parked && this.store.state.seq >= this.parked.seq) this.merge(this.parked);
  }

  /** Asks for the page before the first item held (once at a time; nothing when there is none). */
  load(): void {
    const { state } = this.store;
    const first = state.items[0];
    if (!state.older || !first || this.pending) return;
    const generation = this.generation;
    this.pending = true;
    // Everything skipped so far is older than the page's seq: the page has it.
    this.skipped = [];
    this.overflow = false;
    this.status = "loading";
    this.store.changed();
    this.transport.call("olderItems", { before: first.id }).then(
      (page) => {
        if (generation !== this.generation) return;
        if (page.seq > this.store.state.seq) this.parked = page;
        else this.merge(page);
      },
      (err: unknown) => {
        if (generation !== this.generation) return;
        console.warn(`pi chat: could not load earlier items: ${String(err)}`);
        this.pending = false;
        this.status = "failed";
        this.store.changed();
      },
    );
  }

  private merge(page: OlderItems): void {
    const { state } = this.store;
    const skipped = this.skipped;
    this.parked = undefined;
    this.pending = false;
    this.skipped = [];
    this.status = "idle";
    if (this.overflow) {
      this.store.resync();
      return;
    }
    state.items = [...page.items, ...state.items];
    state.index = new Map(state.items.map((item, i) => [item.id, i]));
    state.older = page.older;
    // Patches after the page's seq that were skipped for want of its items; one for an item
    // older still is in the next page (asked for later, so as of a later seq).
    for (const { seq, patch } of skipped) if (seq > page.seq) applyPatch(state, patch);
    this.store.changed();
  }
}
