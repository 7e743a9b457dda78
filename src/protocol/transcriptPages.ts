// How much of a long chat travels at once. A snapshot carries the latest items and a page of
// older ones the items just before a given one — in both cases as many as fit a budget of
// items and bytes, so a 100,000-message chat opens as fast as a short one and a view holds
// only what its user scrolled through. Always at least one item: a single huge one still goes.
import type { ChatItem } from "./transcript";

/** Most items in a snapshot or a page: many screens of a narrow view. */
export const PAGE_ITEMS = 200;
/** Most bytes of items (as JSON) in a snapshot or a page, beyond the first item. */
export const PAGE_BYTES = 128 * 1024;

/** Where the page ending at `end` starts: walking back from `end` until the budget is spent. */
export function pageStart(items: readonly ChatItem[], end: number, maxItems = PAGE_ITEMS, maxBytes = PAGE_BYTES): number {
  let start = end;
  let bytes = 0;
  while (start > 0 && end - start < maxItems) {
    const size = JSON.stringify(items[start - 1]).length;
    if (start < end && bytes + size > maxBytes) break;
    bytes += size;
    start--;
  }
  return start;
}
