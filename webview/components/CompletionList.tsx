// The composer's completion popup: a listbox the textarea drives (aria-activedescendant), so
// focus never leaves the input. The mouse picks too, without taking focus.
// Its own chunk, loaded the first time the list opens (components/Composer.tsx); the ids the
// textarea points at come from the composer, so this chunk needs nothing else of the page.
import { useEffect, useRef } from "preact/hooks";
import type { Completion } from "./useCompletion";

interface Props {
  completion: Completion;
  onPick: (index: number) => void;
  onHover: (index: number) => void;
  listId: string;
  optionId: (index: number) => string;
}

export function CompletionList({ completion, onPick, onHover, listId, optionId }: Props) {
  const list = useRef<HTMLDivElement>(null);
  const { options, active, trigger, loading } = completion;
  const label = trigger.kind === "command" ? "Commands" : "Files";

  // Keep the highlighted option in view, scrolling only the list (scrollIntoView would move the page too).
  useEffect(() => {
    const ul = list.current;
    const li = ul?.querySelector<HTMLElement>(`#${optionId(active)}`);
    if (!ul || !li) return;
    if (li.offsetTop < ul.scrollTop) ul.scrollTop = li.offsetTop;
    else if (li.offsetTop + li.offsetHeight > ul.scrollTop + ul.clientHeight) ul.scrollTop = li.offsetTop + li.offsetHeight - ul.clientHeight;
  }, [active, options]);

  return (
    <div class="completions" data-testid="completions">
      <div ref={list} id={listId} role="listbox" aria-label={label} data-kind={trigger.kind}>
        {options.map((o, i) => (
          // The options stay out of the tab order on purpose: focus stays in the textarea, which
          // points at the active one (aria-activedescendant) and handles the keys (combobox pattern).
          // biome-ignore lint/a11y/useFocusableInteractive: see above
          // biome-ignore lint/a11y/useKeyWithClickEvents: see above
          <div
            key={o.insertion}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            class={i === active ? "active" : undefined}
            onMouseDown={(e) => e.preventDefault()}
            onMouseMove={() => i !== active && onHover(i)}
            onClick={() => onPick(i)}
          >
            <span class="completion-label">{o.label}</span>
            {o.detail ? <span class="completion-detail">{o.detail}</span> : null}
            {o.badge ? <span class="badge">{o.badge}</span> : null}
          </div>
        ))}
      </div>
      {options.length === 0 ? (
        <div class="completion-empty meta" role="status">
          {loading ? "Searching…" : trigger.kind === "command" ? "No matching commands." : "No matching files."}
        </div>
      ) : null}
    </div>
  );
}
