import type { PromptImage } from "../../protocol/types";

/** pi's ImageContent list; undefined (no field on the wire) when there are none. */
export function piImages(images: PromptImage[] | undefined): Array<{ type: "image"; data: string; mimeType: string }> | undefined {
  return images?.length ? images.map(({ data, mimeType }) => ({ type: "image", data, mimeType })) : undefined;
}
