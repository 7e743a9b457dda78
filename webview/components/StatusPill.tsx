// A chat's state as a small pill with its codicon, as VS Code's Sessions view shows it. The
// element's text is the state word alone (tests and screen readers read it); the icon is decoration.
import type { ChatState } from "../../src/protocol/types";
import type { IconName } from "../iconNames";
import { Icon } from "./Icon";

/** What each state looks like; "done" is a run that finished since the page last showed the chat. */
export const STATE_LOOK: Record<ChatState | "done", { icon: IconName; label: string; spin?: boolean }> = {
  starting: { icon: "loading", label: "starting", spin: true },
  working: { icon: "loading", label: "working", spin: true },
  waiting: { icon: "bell-dot", label: "waiting for you" },
  done: { icon: "pass-filled", label: "done" },
  ready: { icon: "comment-discussion", label: "ready" },
  stopped: { icon: "debug-stop", label: "stopped" },
  crashed: { icon: "warning", label: "crashed" },
  error: { icon: "error", label: "error" },
};

export function StatusPill({ status, testId = "status", live = true }: { status: ChatState | "done"; testId?: string; live?: boolean }) {
  const look = STATE_LOOK[status] ?? STATE_LOOK.error;
  return (
    <span class={`status state-${status}`}>
      <Icon name={look.icon} spin={look.spin} />
      <span data-testid={testId} role={live ? "status" : undefined}>
        {look.label}
      </span>
    </span>
  );
}
