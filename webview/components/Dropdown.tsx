// A native <select> dressed as VS Code's dropdowns (theme's dropdown colours, a codicon
// chevron). Native on purpose: the keyboard, type-ahead, screen readers and a phone's picker
// all work as the platform makes them, which a hand-built listbox would have to imitate.
import type { ComponentChildren } from "preact";
import { Icon } from "./Icon";

export function Dropdown({
  label,
  testId,
  value,
  disabled,
  onChange,
  children,
}: {
  label: string;
  testId?: string;
  value: string | undefined;
  disabled?: boolean;
  onChange: (value: string) => void;
  children: ComponentChildren;
}) {
  return (
    <span class={`dropdown${disabled ? " disabled" : ""}`}>
      <select aria-label={label} title={label} data-testid={testId} value={value} disabled={disabled} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {children}
      </select>
      <Icon name="chevron-down" />
    </span>
  );
}
