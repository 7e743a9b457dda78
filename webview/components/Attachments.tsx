// Thumbnails of the images attached to the message being written, each with a remove button.
import type { Attachment } from "../composerImages";
import { Icon } from "./Icon";

export function Attachments({ items, onRemove }: { items: Attachment[]; onRemove: (id: string) => void }) {
  if (!items.length) return null;
  return (
    <ul class="attachments" aria-label="Attached images" data-testid="attachments">
      {items.map((a, i) => (
        <li key={a.id} class="attachment">
          <img src={a.url} alt={a.name} title={a.name} />
          <button type="button" class="remove" aria-label={`Remove image ${i + 1} (${a.name})`} title="Remove" onClick={() => onRemove(a.id)}>
            <Icon name="close" />
          </button>
        </li>
      ))}
    </ul>
  );
}
