// The browser page's bell: notifications when a chat starts waiting for you (asks the
// browser's permission on the first click).
import { useState } from "preact/hooks";
import { notifyState, toggleNotifications } from "../notify";
import { IconButton } from "./Icon";

const LABELS = {
  unsupported: "This browser cannot show notifications here (they need https or localhost)",
  blocked: "Notifications are blocked in this browser's site settings",
  off: "Notify me when a chat is waiting for me",
  on: "Notifications are on: click to turn them off",
} as const;

export function Bell() {
  const [state, setState] = useState(notifyState);
  return (
    <IconButton
      icon={state === "on" ? "bell" : "bell-slash"}
      label={LABELS[state]}
      testId="notifications"
      pressed={state === "on"}
      disabled={state === "unsupported" || state === "blocked"}
      onClick={() => void toggleNotifications().then(setState)}
    />
  );
}
