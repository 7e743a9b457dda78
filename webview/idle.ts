// Work for when the page has nothing else to do: requestIdleCallback where there is one
// (Chromium, so every VS Code webview), a short timer elsewhere.
export type IdleDeadline = { timeRemaining(): number };

/** Runs `then` in an idle period (at the latest after `timeoutMs`); returns a cancel. */
export function onIdle(then: (deadline: IdleDeadline) => void, timeoutMs = 1_000): () => void {
  if (typeof requestIdleCallback === "function") {
    const id = requestIdleCallback(then, { timeout: timeoutMs });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(() => then({ timeRemaining: () => 10 }), 50);
  return () => clearTimeout(id);
}
