// sessionStorage for the browser page: this tab only (a copied URL does not carry a sign-in),
// and never throwing — storage can be disabled or full, and the chat must work without it.

export function tabGet(key: string): string | undefined {
  try {
    return sessionStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Stores `value`, or removes the key when it is undefined or empty. */
export function tabSet(key: string, value: string | undefined): void {
  try {
    if (value) sessionStorage.setItem(key, value);
    else sessionStorage.removeItem(key);
  } catch {
    // Not persisted: only a reload loses it.
  }
}
