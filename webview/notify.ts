// Browser notifications for the Pi page: "a chat is waiting for you". Permission is asked only
// from the bell (a user gesture, as browsers require); the choice to mute is kept per origin.
// Through the service worker when it is there (phones allow only that, and a click can focus
// or open the chat's tab); otherwise the page's own Notification.
import type { DialogItem } from "../src/protocol/transcript";

const MUTED_KEY = "pi.notifications.muted";

export type NotifyState = "unsupported" | "blocked" | "off" | "on";

export function notifyState(): NotifyState {
  if (typeof Notification === "undefined") return "unsupported";
  if (Notification.permission === "denied") return "blocked";
  if (Notification.permission !== "granted") return "off";
  try {
    return localStorage.getItem(MUTED_KEY) ? "off" : "on";
  } catch {
    return "on";
  }
}

function setMuted(muted: boolean): void {
  try {
    if (muted) localStorage.setItem(MUTED_KEY, "1");
    else localStorage.removeItem(MUTED_KEY);
  } catch {
    // Not kept: the bell still works for this page.
  }
}

/** The bell: asks for permission the first time, then turns notifications on and off. */
export async function toggleNotifications(): Promise<NotifyState> {
  const state = notifyState();
  if (state === "unsupported" || state === "blocked") return state;
  if (state === "on") {
    setMuted(true);
    return "off";
  }
  if (Notification.permission !== "granted" && (await Notification.requestPermission()) !== "granted") return notifyState();
  setMuted(false);
  return notifyState();
}

/** Registers the page's service worker (same origin, scope = the page's directory). */
export function registerServiceWorker(): void {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("sw.js", { scope: "./" }).catch(() => undefined);
}

async function show(title: string, body: string, tag: string, url: string): Promise<void> {
  const options: NotificationOptions = { body, tag, icon: "assets/icon-192.png", data: { url } };
  const registration = "serviceWorker" in navigator ? await navigator.serviceWorker.getRegistration().catch(() => undefined) : undefined;
  if (registration?.active) return registration.showNotification(title, options);
  const shown = new Notification(title, options);
  shown.onclick = () => {
    window.focus();
    if (location.href !== new URL(url, location.href).href) location.href = url;
  };
}

/** One open question of one chat, as a watcher sees it. */
export interface WaitingQuestion {
  chatId: string;
  chatTitle: string;
  question: DialogItem;
}

/**
 * Notifies once per question that appears after the first look: what was already waiting when
 * the page opened is in front of the user, not news. `quiet()` says when not to notify (the
 * user is looking at that very question).
 */
export class WaitingWatcher {
  private seen: Set<string> | undefined;

  constructor(private readonly quiet: (chatId: string) => boolean = () => false) {}

  update(questions: WaitingQuestion[]): void {
    const keys = questions.map((q) => `${q.chatId}\n${q.question.id}`);
    const first = !this.seen;
    const seen = this.seen ?? new Set<string>();
    this.seen = seen;
    questions.forEach((q, i) => {
      if (seen.has(keys[i])) return;
      seen.add(keys[i]);
      if (first || notifyState() !== "on" || this.quiet(q.chatId)) return;
      const title = `${q.chatTitle}: waiting for you`;
      void show(title, q.question.title.slice(0, 300), keys[i], `?chat=${encodeURIComponent(q.chatId)}`).catch(() => undefined);
    });
  }
}
