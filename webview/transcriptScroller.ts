// Keeps the transcript's scroll position honest while only a window of items is in the DOM:
// follows the end while the user is there, otherwise keeps the view still whatever grows above
// or below it, picks which items to render, and remembers the position across reloads.
// The Transcript component renders; this decides.
//
// Holding the view still: Chromium (every VS Code webview) does it natively with CSS scroll
// anchoring, which — unlike a scrollTop write — does not cancel a smooth keyboard scroll. So
// there we write scrollTop only to follow the end and to restore a saved position. Browsers
// without scroll anchoring get the same effect by hand: an anchor item whose offset from the
// top of the view is put back after every change.
import { intentListeners } from "./scrollIntent";
import type { ScrollPosition } from "./transport";
import { HeightIndex, type Sized } from "./virtualList";

/** Render this far beyond the viewport (px) so a fast wheel or keyboard scroll finds items ready. */
const OVERSCAN = 800;
/**
 * Until the first items are on screen, render only what is in view: the overscan of a long chat
 * is as many items again as the view holds, and it can wait for the frame after the first paint.
 */
const FIRST_OVERSCAN = 0;
/** Re-render once the rendered items no longer reach this far beyond the viewport. */
const MARGIN = 200;
/** Drop items rendered further away than this (after a jump) to keep the DOM small. */
const SLACK = 2400;
/** Within this distance of the end counts as "at the end" (follow new output). */
const END_SLACK = 16;
const SAVE_DELAY_MS = 250;
/** Layout passes that may ask for a new window before one frame must pass (estimates settling). */
const MAX_EAGER_WINDOWS = 8;

interface Anchor {
  id: string;
  /** Last index the id was found at (ids do not move within one item array). */
  index: number;
  /** Pixels from the item's top to the top of the view. */
  offset: number;
}

export interface ScrollerHooks {
  /** The wanted item window changed: render again. */
  rerender(): void;
  /** Following the end or not (the "jump to latest" button shows when not). */
  followChanged(follow: boolean): void;
  save(position: ScrollPosition | undefined): void;
}

export class TranscriptScroller {
  private readonly index = new HeightIndex();
  follow: boolean;
  /** Where the view must be put back: a position being restored, or (without native anchoring) always. */
  private anchor: Anchor | undefined;
  private readonly native = typeof CSS !== "undefined" && CSS.supports("overflow-anchor", "auto");
  private wanted = { start: 0, end: 0 };
  private rendered = { start: 0, end: 0 };
  private items: readonly Sized[] = [];
  private count = 0;
  private el: HTMLElement | undefined;
  private before: HTMLElement | undefined;
  private after: HTMLElement | undefined;
  private pad = 0;
  private width = -1;
  /** scrollTop after our last write or the last scroll event: a change since is the user's (or native anchoring). */
  private lastTop = -1;
  /** scrollTop the last layout pass left. */
  private laidOutTop = -1;
  private lastSaved: ScrollPosition | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private eager = 0;
  private overscan = FIRST_OVERSCAN;
  private widening = false;
  private readonly observed = new Set<Element>();
  private readonly observer: ResizeObserver;

  constructor(private readonly hooks: ScrollerHooks, restore: ScrollPosition | undefined) {
    this.follow = !restore;
    this.anchor = restore ? { id: restore.itemId, index: -1, offset: restore.offset } : undefined;
    this.lastSaved = restore;
    // Heights change after render too (streamed output, <details> toggled, a narrower panel):
    // re-run the layout pass; a new item window waits for the next frame (no observer loop).
    this.observer = new ResizeObserver(() => this.layout(true));
  }

  attach(el: HTMLElement, before: HTMLElement, after: HTMLElement): () => void {
    this.el = el;
    this.before = before;
    this.after = after;
    if (!this.native) el.style.overflowAnchor = "none";
    this.pad = parseFloat(getComputedStyle(el).paddingTop) || 0;
    this.observer.observe(el);
    const onHide = () => document.visibilityState === "hidden" && this.saveNow();
    const listeners: Array<[EventTarget, string, (e: never) => void]> = [
      [el, "scroll", this.onScroll],
      ...intentListeners(el, { userMoves: () => this.userMoves(), unfollow: () => this.unfollow(), jumpToLatest: () => this.jumpToLatest(), jumpToTop: () => this.jumpToTop() }),
      [document, "visibilitychange", onHide],
      [window, "pagehide", this.saveNow],
    ];
    for (const [target, type, fn] of listeners) target.addEventListener(type, fn as EventListener, { passive: type !== "keydown" });
    this.layout(false);
    return () => {
      this.saveNow();
      for (const [target, type, fn] of listeners) target.removeEventListener(type, fn as EventListener);
      this.observer.disconnect();
      this.observed.clear();
      this.el = undefined;
    };
  }

  /** Called while rendering (the DOM still shows the previous render): the items to render now. */
  beginRender(items: readonly Sized[]): { start: number; end: number } {
    const n = items.length;
    if (items !== this.items && this.count > 0 && !this.follow && !this.anchor) {
      // A fresh snapshot: keep the item at the top of the view there (or follow the end if it is gone).
      this.anchor = this.domAnchor();
    }
    // Following the end, a new item joins the window at once (not one render later).
    if (this.follow && items === this.items && n > this.count && this.wanted.end >= this.count) this.wanted.end = n;
    this.items = items;
    this.count = n;
    this.index.sync(items);
    const end = Math.min(this.wanted.end, n);
    const start = Math.min(this.wanted.start, end);
    this.rendered = { start, end };
    return this.rendered;
  }

  /**
   * Called after every render (before paint). Measuring here forces a layout (in code-server
   * the workbench's too: 8–17 ms a render as an answer begins), but the frame pays that layout
   * anyway: deferring this pass to the next animation frame, once per frame, showed an editor
   * tab's first piece no sooner (bench:delta 2026-12-06: 58 vs 59 ms, young windows 78 vs 77).
   */
  afterRender(): void {
    this.layout(false);
  }

  /** The user sent a message: follow the end again, leaving the focus in the composer. */
  showLatest(): void {
    if (this.follow) return;
    this.setFollow(true);
    this.layout(false);
    this.scheduleSave();
  }

  jumpToLatest(): void {
    this.stopScrollAnimation();
    this.setFollow(true);
    this.layout(false);
    this.scheduleSave();
    this.el?.focus({ preventScroll: true });
  }

  /**
   * One layout pass, before paint: measure what is rendered, size the spacers, put the view
   * where it belongs (the end, or the anchor item at its offset), then ask for a new item
   * window if the view is running out of rendered items.
   */
  private layout(fromObserver: boolean): void {
    const el = this.el;
    if (!el || !this.before || !this.after) return;
    const idx = this.index;
    // By hand, a scroll since our last write moved the anchor: take it from the heights the
    // view was laid out with, before this pass changes them.
    if (!this.native && !this.follow && this.laidOutTop >= 0 && Math.abs(el.scrollTop - this.laidOutTop) >= 1) this.anchor = this.anchorAt(el.scrollTop);
    if (el.clientWidth !== this.width) {
      if (this.width >= 0) this.index.invalidate();
      this.width = el.clientWidth;
    }
    this.measure();
    const { start, end } = this.rendered;
    setHeight(this.before, idx.top(start));
    setHeight(this.after, idx.total() - idx.top(end));
    if (this.follow) this.scrollTo(el.scrollHeight - el.clientHeight);
    else if (this.anchor) this.holdAnchor(this.anchor);
    this.laidOutTop = el.scrollTop;
    this.updateWindow(fromObserver);
    if (this.overscan !== OVERSCAN && end > start) this.widenSoon();
  }

  /** After the frame that shows the first items has been painted: render the overscan too. */
  private widenSoon(): void {
    if (this.widening) return;
    this.widening = true;
    requestAnimationFrame(() =>
      setTimeout(() => {
        this.overscan = OVERSCAN;
        this.updateWindow(false);
      }),
    );
  }

  private holdAnchor(anchor: Anchor): void {
    const el = this.el as HTMLElement;
    const i = this.index.find(anchor.id, anchor.index);
    if (i < 0) {
      // The item is gone (another session's snapshot): follow the end instead.
      if (this.index.length > 0) {
        this.setFollow(true);
        this.scrollTo(el.scrollHeight - el.clientHeight);
      }
      return;
    }
    anchor.index = i;
    const node = this.renderedNode(i);
    if (!node) {
      this.scrollTo(this.pad + this.index.top(i) + anchor.offset);
      return;
    }
    const offset = () => this.viewTop() - node.getBoundingClientRect().top;
    this.scrollTo(el.scrollTop + anchor.offset - offset());
    // Restored (unless the write was clamped), and the browser holds it from here.
    if (this.native && Math.abs(anchor.offset - offset()) < 1) this.anchor = undefined;
  }

  /**
   * Ends a keyboard scroll still animating (PageUp, then End at once). Chromium does not end it
   * for a scrollTop write: it goes on and moves the view by what it had left after our jump.
   * A smooth scroll by nothing takes its place, and the write that follows ends that one.
   */
  private stopScrollAnimation(): void {
    this.el?.scrollBy({ top: 0, behavior: "smooth" });
  }

  private scrollTo(top: number): void {
    const el = this.el as HTMLElement;
    if (Math.abs(el.scrollTop - top) < 1) return;
    el.scrollTop = top;
    this.lastTop = el.scrollTop;
  }

  private measure(): void {
    const idx = this.index;
    for (let node = this.before?.nextElementSibling; node && node !== this.after; node = node.nextElementSibling) {
      const item = node as HTMLElement;
      const id = item.dataset.id;
      if (id === undefined) continue;
      const i = idx.find(id, Number(item.dataset.index));
      if (i >= 0) idx.set(i, item.getBoundingClientRect().height);
      if (!this.observed.has(item)) {
        this.observed.add(item);
        this.observer.observe(item);
      }
    }
    for (const item of this.observed) {
      if (item.isConnected) continue;
      this.observer.unobserve(item);
      this.observed.delete(item);
    }
  }

  private updateWindow(deferRender: boolean): void {
    const el = this.el;
    if (!el) return;
    const idx = this.index;
    const n = idx.length;
    const top = el.scrollTop - this.pad;
    const bottom = top + el.clientHeight;
    const { start, end } = this.rendered;
    const margin = Math.min(MARGIN, this.overscan);
    const covered = start <= idx.indexAt(top - margin) && end >= Math.min(n, idx.indexAt(bottom + margin) + 1);
    const lean = start >= idx.indexAt(top - SLACK) && end <= idx.indexAt(bottom + SLACK) + 1;
    if (covered && lean && end <= n) return;
    const over = this.overscan;
    const next = { start: idx.indexAt(top - over), end: Math.min(n, idx.indexAt(bottom + over) + 1) };
    this.wanted = next;
    if (next.start === start && next.end === end) return;
    // Many windows in a row without a frame means estimates keep moving: let a frame pass.
    if (deferRender || ++this.eager > MAX_EAGER_WINDOWS) {
      requestAnimationFrame(() => {
        this.eager = 0;
        this.hooks.rerender();
      });
    } else this.hooks.rerender();
  }

  private readonly onScroll = (): void => {
    const el = this.el;
    if (!el) return;
    this.eager = 0;
    const top = el.scrollTop;
    if (Math.abs(top - this.lastTop) >= 1) {
      const movedUp = top < this.lastTop;
      this.lastTop = top;
      // While a saved position is being restored, only user input (below) cancels it.
      if (!this.anchor || !this.native) {
        // A move toward the end while following (the layout settling after End, or content
        // measured below) is no wish to leave it: only a move up, or one short of the end
        // while not following, decides that the view stays where it is.
        const atEnd = el.scrollHeight - el.clientHeight - top <= END_SLACK;
        this.setFollow(atEnd || (this.follow && !movedUp));
        if (!this.follow && !this.native) this.anchor = this.anchorAt(top);
      }
      this.scheduleSave();
    }
    this.updateWindow(false);
  };

  private jumpToTop(): void {
    this.stopScrollAnimation();
    this.userMoves();
    this.unfollow();
    this.scrollTo(0);
    if (!this.native) this.anchor = this.anchorAt(0);
    this.scheduleSave();
  }

  /** The user takes over: a position still being restored is abandoned. */
  private userMoves(): void {
    if (this.native) this.anchor = undefined;
  }

  private unfollow(): void {
    const el = this.el;
    if (!el || !this.follow || el.scrollHeight <= el.clientHeight) return;
    this.setFollow(false);
    if (!this.native) this.anchor = this.anchorAt(el.scrollTop);
  }

  /** The anchor at a scrollTop by the height index (what the view was laid out with). */
  private anchorAt(scrollTop: number): Anchor | undefined {
    const idx = this.index;
    const y = scrollTop - this.pad;
    const index = idx.indexAt(y);
    const id = idx.idAt(index);
    return id === undefined ? undefined : { id, index, offset: y - idx.top(index) };
  }

  /** The item at the top of the view as the DOM shows it now. */
  private domAnchor(): Anchor | undefined {
    const edge = this.viewTop();
    for (let node = this.before?.nextElementSibling; node && node !== this.after; node = node.nextElementSibling) {
      const item = node as HTMLElement;
      const r = item.getBoundingClientRect();
      if (r.bottom > edge && item.dataset.id !== undefined) return { id: item.dataset.id, index: Number(item.dataset.index), offset: edge - r.top };
    }
    return this.el ? this.anchorAt(this.el.scrollTop) : undefined;
  }

  private viewTop(): number {
    const el = this.el as HTMLElement;
    return el.getBoundingClientRect().top + el.clientTop;
  }

  private renderedNode(index: number): HTMLElement | undefined {
    const { start, end } = this.rendered;
    if (index < start || index >= end) return undefined;
    const node = this.before?.parentElement?.children[index - start + 1];
    return node instanceof HTMLElement && Number(node.dataset.index) === index ? node : undefined;
  }

  private setFollow(follow: boolean): void {
    if (follow) this.anchor = undefined;
    if (this.follow === follow) return;
    this.follow = follow;
    this.hooks.followChanged(follow);
  }

  private scheduleSave(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(this.saveNow, SAVE_DELAY_MS);
  }

  private readonly saveNow = (): void => {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.el) return;
    const a = this.follow ? undefined : this.anchor ?? this.domAnchor();
    const position = a ? { itemId: a.id, offset: Math.round(a.offset) } : undefined;
    const last = this.lastSaved;
    if (position?.itemId === last?.itemId && position?.offset === last?.offset) return;
    this.lastSaved = position;
    this.hooks.save(position);
  };
}

function setHeight(el: HTMLElement, px: number): void {
  const value = `${Math.max(0, px)}px`;
  if (el.style.height !== value) el.style.height = value;
}
