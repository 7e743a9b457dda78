// Copy / Insert buttons of code blocks in answers. One delegated listener for the whole page:
// the buttons come from sanitized markdown and carry no handlers of their own.
import type { ChatTransport } from "./transport";

export function installCodeBlockActions(transport: ChatTransport, root: HTMLElement = document.body): () => void {
  const canInsert = transport.can("insertText");
  if (!canInsert) root.classList.add("no-insert");
  const onClick = (event: MouseEvent) => {
    const button = (event.target as Element | null)?.closest?.("button[data-code-action]");
    if (!(button instanceof HTMLButtonElement) || !button.closest(".markdown")) return;
    const code = button.closest(".code-block")?.querySelector("pre code")?.textContent ?? "";
    const action = button.dataset.codeAction;
    const done = (label: string) => {
      const original = button.dataset.label ?? button.textContent ?? "";
      button.dataset.label = original;
      button.textContent = label;
      setTimeout(() => (button.textContent = original), 1500);
    };
    if (action === "copy") {
      const copied = transport.can("copyText") ? transport.call("copyText", { text: code }) : navigator.clipboard.writeText(code);
      void copied.then(() => done("Copied"), () => done("Copy failed"));
    } else if (action === "insert" && canInsert) {
      void transport.call("insertText", { text: code }).then(() => done("Inserted"), (err: Error) => done(err.message || "Failed"));
    }
  };
  root.addEventListener("click", onClick);
  return () => root.removeEventListener("click", onClick);
}
