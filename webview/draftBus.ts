// Text for the composer from elsewhere on the page (a fork hands back the forked message).
// The host's own additions arrive as the transport's "draft" event; the composer takes both.
type Listener = (text: string) => void;

const listeners = new Set<Listener>();

export function addToDraft(text: string): void {
  listeners.forEach((l) => l(text));
}

export function onDraftText(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
