// Images pasted or dropped into the composer: checked against the same limits the host
// enforces (type, size, count, real image data), read as base64 for pi, and shown as
// thumbnails from data: URLs (the only images the page's CSP allows).
import { imageProblem, isImageMimeType, MAX_IMAGE_BYTES, MAX_IMAGES, type PromptImage } from "../src/protocol/images";

export interface Attachment {
  id: string;
  name: string;
  /** data: URL for the thumbnail. */
  url: string;
  image: PromptImage;
}

let nextId = 0;

function readDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error("unreadable"));
    reader.readAsDataURL(file);
  });
}

/** Files that look like images (the ones a paste or drop should take over). */
export function imageFiles(list: FileList | null | undefined): File[] {
  return Array.from(list ?? []).filter((f) => f.type.startsWith("image/"));
}

/** Reads `files` into attachments, up to the room left; explains every file it refuses. */
export async function readAttachments(files: File[], already: number): Promise<{ added: Attachment[]; errors: string[] }> {
  const added: Attachment[] = [];
  const errors: string[] = [];
  for (const file of files) {
    const name = file.name || "pasted image";
    if (!isImageMimeType(file.type)) errors.push(`${name}: only PNG, JPEG, GIF and WebP images can be attached.`);
    else if (file.size > MAX_IMAGE_BYTES) errors.push(`${name}: larger than ${MAX_IMAGE_BYTES / (1024 * 1024)} MB.`);
    else if (already + added.length >= MAX_IMAGES) errors.push(`${name}: at most ${MAX_IMAGES} images per message.`);
    else {
      try {
        const url = await readDataUrl(file);
        const image: PromptImage = { type: "image", data: url.slice(url.indexOf(",") + 1), mimeType: file.type };
        const problem = imageProblem(image);
        if (problem) errors.push(`${name}: ${problem}.`);
        else added.push({ id: `img-${++nextId}`, name, url, image });
      } catch {
        errors.push(`${name}: could not be read.`);
      }
    }
  }
  return { added, errors };
}
