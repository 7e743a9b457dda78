// Images a user attaches to a message: which kinds, how big, how many. The view checks them to
// explain a refusal at once; the host checks them again (a view is untrusted input) before
// they reach pi, which forwards them to the model provider as they are.

export const IMAGE_MIME_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;
export type ImageMimeType = (typeof IMAGE_MIME_TYPES)[number];

/** Largest image accepted, decoded (providers refuse much bigger ones anyway). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const MAX_IMAGES = 4;

/** pi's ImageContent: base64 without a `data:` prefix. */
export interface PromptImage {
  type: "image";
  data: string;
  mimeType: ImageMimeType;
}

export function isImageMimeType(value: unknown): value is ImageMimeType {
  return typeof value === "string" && (IMAGE_MIME_TYPES as readonly string[]).includes(value);
}

/** Characters of base64 needed for `bytes` bytes (with padding). */
export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The decoded size of well-formed base64. */
export function decodedSize(data: string): number {
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return (data.length / 4) * 3 - padding;
}

/** Each format's first bytes: a file renamed to .png, or text claiming to be an image, is refused here, not by the provider mid-run. */
function hasSignature(bytes: number[], mimeType: ImageMimeType): boolean {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
  switch (mimeType) {
    case "image/png":
      return starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    case "image/jpeg":
      return starts([0xff, 0xd8, 0xff]);
    case "image/gif":
      return starts(ascii("GIF87a")) || starts(ascii("GIF89a"));
    case "image/webp":
      return starts(ascii("RIFF")) && starts(ascii("WEBP"), 8);
  }
}

function firstBytes(data: string): number[] {
  try {
    return [...atob(data.slice(0, 16))].map((c) => c.charCodeAt(0));
  } catch {
    return [];
  }
}

/** Why `image` is not acceptable, or undefined when it is. */
export function imageProblem(image: unknown): string | undefined {
  if (typeof image !== "object" || image === null || Array.isArray(image)) return "expected an object";
  const v = image as Record<string, unknown>;
  if (v.type !== "image") return 'type must be "image"';
  if (!isImageMimeType(v.mimeType)) return `mimeType must be one of ${IMAGE_MIME_TYPES.join(", ")}`;
  if (typeof v.data !== "string" || v.data.length === 0) return "data must be a non-empty base64 string";
  // Checked before the pattern, so a huge string is refused without scanning it.
  if (v.data.length > base64Length(MAX_IMAGE_BYTES)) return `larger than ${MAX_IMAGE_BYTES / (1024 * 1024)} MB`;
  if (v.data.length % 4 !== 0 || !BASE64.test(v.data)) return "data is not base64 (no data: prefix, no line breaks)";
  if (decodedSize(v.data) > MAX_IMAGE_BYTES) return `larger than ${MAX_IMAGE_BYTES / (1024 * 1024)} MB`;
  if (!hasSignature(firstBytes(v.data), v.mimeType)) return `data is not a ${v.mimeType} image`;
  return undefined;
}
