// What bench/chatStart.ts sees inside the real workbench: a script Playwright adds to every
// frame before the frame's own scripts run. It keeps epoch timestamps (performance.timeOrigin +
// now(): the same clock as Date.now() in the bench and the extension's log) of
//  - Enter pressed (the palette's Enter in the workbench, the composer's Enter in a chat);
//  - in a chat webview: the composer visible in the shown frame, every status the pill shows
//    with the chat it belongs to, and the last answer's text as it grows.
// The chat id comes from the page's own vscode.setState({chatId}) (webview/vscodeTransport.ts),
// which it calls as soon as a snapshot of another chat arrives (and which is rendered on the
// next animation frame): so "ready" is tied to the chat
// the command created, not to the chat the view showed before.
// VS Code writes a webview's HTML into a blank frame with document.open(), which drops window
// listeners but keeps the window (and its properties and timers): listeners are re-added on
// each new document, and acquireVsCodeApi is caught with an accessor set up front.
import type { Page } from "playwright-core";

/**
 * How the probe notices changes. "observe" (the default): a MutationObserver on the page and on
 * its frame element marks each change when the DOM changes, with a 100 ms poll as a safety net.
 * "poll": it reads the DOM every 4 ms (before 2026-12-03; kept to measure what that cost).
 */
export type ProbeMode = "observe" | "poll";

export const probeScript = (mode: ProbeMode = "observe"): string => `(() => {
  if (window.__piProbe) return;
  const now = () => performance.timeOrigin + performance.now();
  const probe = { born: now(), viewBorn: undefined, input: undefined, chatId: undefined, wanted: undefined, statuses: [], enters: [], answers: [], batches: [], mine: [] };
  window.__piProbe = probe;
  const onKey = (e) => { if (e.key === "Enter" && !e.shiftKey) probe.enters.push(now()); };
  window.addEventListener("keydown", onKey, true);
  if (window === window.top) return;
  // The webview element's own document (VS Code's host page around the chat page).
  try { probe.viewBorn = window.parent !== window.top ? window.parent.__piProbe?.born : undefined; } catch {}
  let real;
  try {
    Object.defineProperty(window, "acquireVsCodeApi", {
      configurable: true,
      get: () => real,
      set: (acquire) => {
        real = function () {
          const api = acquire.apply(this, arguments);
          return {
            postMessage: (m, t) => api.postMessage(m, t),
            getState: () => api.getState(),
            setState: (s) => {
              const id = s && typeof s.chatId === "string" ? s.chatId : undefined;
              // The page renders on the next animation frame: tag statuses with the new chat once
              // that frame is done, or the old chat's pill would count as the new one's.
              if (id && id !== probe.wanted) {
                probe.wanted = id;
                requestAnimationFrame(() => setTimeout(() => { if (probe.wanted === id) { probe.chatId = id; tick(); } }, 0));
              }
              return api.setState(s);
            },
          };
        };
      },
    });
  } catch {}
  const tick = () => {
    const root = document.documentElement;
    if (root && !root.hasAttribute("data-pi-probe")) {
      root.setAttribute("data-pi-probe", "");
      window.addEventListener("keydown", onKey, true);
      // When each batch of patches reached the page, and what it held (where a delta's time goes).
      window.addEventListener("message", (e) => {
        const d = e.data;
        if (!d || d.method !== "pi/event/patches" || !d.params || !Array.isArray(d.params.patches)) return;
        probe.batches.push({ t: now(), ops: d.params.patches.map((p) => p.op + (p.item ? " " + p.item.kind : "") + (p.delta ? " " + JSON.stringify(p.delta.slice(0, 20)) : "")).join(", ") });
        if (probe.batches.length > 200) probe.batches.splice(0, 100);
      }, true);
    }
    const input = document.querySelector('textarea[data-testid="prompt-input"]');
    if (input && probe.input === undefined && input.offsetHeight > 0) {
      const el = window.frameElement;
      if (!el || (el.id === "active-frame" && el.style.visibility !== "hidden")) probe.input = now();
    }
    const pill = document.querySelector('[data-testid="status"]');
    const text = pill ? pill.textContent.trim() : undefined;
    const last = probe.statuses[probe.statuses.length - 1];
    if (text !== undefined && (!last || last.text !== text || last.chatId !== probe.chatId)) probe.statuses.push({ t: now(), text, chatId: probe.chatId });
    // Your last message as the page shows it (its echo, then pi's copy).
    const mine = document.querySelectorAll('[data-testid="pending-message"], [data-testid="user-message"]');
    const own = mine.length ? mine[mine.length - 1].textContent.trim().slice(0, 120) : "";
    if (own && probe.mine[probe.mine.length - 1]?.text !== own) {
      probe.mine.push({ t: now(), text: own });
      if (probe.mine.length > 200) probe.mine.splice(0, 100);
    }
    const answers = document.querySelectorAll('[data-testid="assistant-message"]');
    const answer = answers.length ? answers[answers.length - 1].textContent.trim().slice(0, 120) : "";
    const lastAnswer = probe.answers[probe.answers.length - 1];
    if (answer && (!lastAnswer || lastAnswer.text !== answer)) {
      const mark = { t: now(), text: answer, painted: undefined };
      probe.answers.push(mark);
      if (probe.answers.length > 200) probe.answers.splice(0, 100);
      // About when the change was on screen: the frame it belongs to has run (its rAF callbacks,
      // the page's own layout among them) and been painted, once the task after that frame runs.
      requestAnimationFrame(() => setTimeout(() => { mark.painted = now(); }, 0));
    }
  };
  if (${JSON.stringify(mode)} === "poll") {
    setInterval(tick, 4);
    return;
  }
  // Each change, in the microtask after it (one tick per batch of mutations, not per node).
  let queued = false;
  const soon = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => { queued = false; tick(); });
  };
  const observer = new MutationObserver(soon);
  const watched = new WeakSet();
  const watch = () => {
    // document.open() (how VS Code writes the page) starts a new document tree: observe it again.
    const root = document.documentElement;
    if (root && !watched.has(root)) {
      watched.add(root);
      observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    }
    // The frame is shown by its parent changing this element's style.
    const el = window.frameElement;
    if (el && !watched.has(el)) {
      watched.add(el);
      observer.observe(el, { attributes: true });
    }
  };
  watch();
  setInterval(() => { watch(); tick(); }, 100);
  document.addEventListener("readystatechange", () => { watch(); soon(); });
})();`;

export const PROBE_SCRIPT = probeScript();

export interface StatusMark {
  t: number;
  text: string;
  chatId?: string;
}

export interface FrameMarks {
  /** The frame element's title (the view's name or the tab's title). */
  title: string;
  /** When the frame's first document was created (VS Code writes the chat page into it). */
  born: number;
  /** When the webview element's host page (its parent frame) was created. */
  viewBorn?: number;
  /** When the composer was first visible in the shown frame. */
  input?: number;
  chatId?: string;
  statuses: StatusMark[];
  enters: number[];
  /** The last answer's text as it changed; `painted`: about when that change was on screen. */
  answers: Array<{ t: number; text: string; painted?: number }>;
  /** Your last message as shown (its echo, then pi's copy), as it changed. */
  mine: Array<{ t: number; text: string }>;
  /** Batches of patches the page received, with their ops. */
  batches: Array<{ t: number; ops: string }>;
}

/** The probe of the workbench page itself (palette Enter presses). */
export async function pageEnters(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __piProbe?: { enters: number[] } }).__piProbe?.enters ?? []);
}

/** Every shown webview frame's marks (inner `active-frame` frames holding a chat page). */
export async function chatFrames(page: Page): Promise<FrameMarks[]> {
  const out: FrameMarks[] = [];
  for (const frame of page.frames()) {
    const el = await frame.frameElement().catch(() => undefined);
    if (!el) continue;
    const [id, title] = await Promise.all([el.getAttribute("id").catch(() => null), el.getAttribute("title").catch(() => null)]);
    if (id !== "active-frame") continue;
    const marks = await frame.evaluate(() => (window as unknown as { __piProbe?: Omit<FrameMarks, "title"> }).__piProbe).catch(() => undefined);
    if (marks?.statuses.length) out.push({ ...marks, title: title ?? "" });
  }
  return out;
}

/** The first moment `frame` showed anything of `chatId` (its first snapshot was rendered). */
export function firstShown(frame: FrameMarks, chatId: string): number | undefined {
  return frame.statuses.find((s) => s.chatId === chatId)?.t;
}
