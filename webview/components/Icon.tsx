// A codicon glyph (the font VS Code itself draws its icons with). Decorative: the button or
// text next to it carries the name screen readers read.
import type { IconName } from "../iconNames";

export function Icon({ name, spin }: { name: IconName; spin?: boolean }) {
  return <span class={`codicon codicon-${name}${spin ? " codicon-modifier-spin" : ""}`} aria-hidden="true" />;
}

/**
 * A toolbar button that is only an icon: `label` is both its accessible name and its tooltip,
 * as in VS Code's own toolbars.
 */
export function IconButton({
  icon,
  label,
  onClick,
  disabled,
  testId,
  pressed,
  primary,
  spin,
}: {
  icon: IconName;
  label: string;
  onClick: () => void;
  disabled?: boolean;
  testId?: string;
  pressed?: boolean;
  primary?: boolean;
  spin?: boolean;
}) {
  return (
    <button
      type="button"
      class={`icon-button${primary ? " primary" : ""}`}
      aria-label={label}
      title={label}
      aria-pressed={pressed}
      data-testid={testId}
      disabled={disabled}
      onClick={onClick}
    >
      <Icon name={icon} spin={spin} />
    </button>
  );
}
