// Splits an answer's markdown into top-level blocks so a streaming message re-renders only
// its last block per frame: parsing and sanitizing the whole answer on every delta is what
// made long answers stutter (O(length) work 60 times a second). A split happens only at a
// blank line outside fenced code that is followed by an unindented line, so lists with
// indented continuations, and code blocks, stay whole.

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

export function splitMarkdownBlocks(text: string): string[] {
  const lines = text.split("\n");
  const blocks: string[] = [];
  let current: string[] = [];
  // Tracked, not searched: a rescan of the block per blank line would be quadratic.
  let hasContent = false;
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const marker = FENCE.exec(line)?.[1];
    if (marker) {
      if (!fence) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
    }
    current.push(line);
    const blank = line.trim() === "";
    hasContent ||= !blank;
    const next = lines[i + 1];
    if (!fence && blank && hasContent && next !== undefined && next !== "" && !/^\s/.test(next)) {
      blocks.push(current.join("\n"));
      current = [];
      hasContent = false;
    }
  }
  if (current.length) blocks.push(current.join("\n"));
  return blocks;
}

/**
 * An unbroken run this long (base64, minified code, one enormous "word"): a browser lays it out
 * in one piece whatever surrounds it, so a block holding one is shown as plain chunks.
 */
export const LONG_RUN = 10_000;

/**
 * While streaming, a block whose unbroken run reaches this goes plain already: re-parsing
 * the block and re-laying out the growing run every frame cost a frame well before LONG_RUN.
 */
export const LIVE_RUN = 2_000;

/** `\s` as the regex has it; ASCII decided without one. */
const isSpace = (c: number, ch: string) => (c < 128 ? c === 32 || (c >= 9 && c <= 13) : /\s/.test(ch));

/**
 * Whether `text` holds `length` non-space characters in a row, in one pass: the regex
 * /\S{n}/ restarts at every character of a shorter run, so it took ~380 ms on a 9,999-letter
 * word.
 */
export function hasRun(text: string, length: number): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    if (isSpace(text.charCodeAt(i), text[i])) run = 0;
    else if (++run >= length) return true;
  }
  return false;
}

/** Characters per chunk of plain text. */
const CHUNK = 2_000;

/**
 * Plain text cut into chunks of at most `size` characters, each one its own block element:
 * appending to the text re-lays out only the last chunk. A chunk ends after a line break in
 * its second half when it has one (so the cut is invisible), else at `size`. Each cut depends
 * only on the text before it, so earlier chunks stay the same as the text grows.
 */
export function plainChunks(text: string, size = CHUNK): string[] {
  const chunks: string[] = [];
  let at = 0;
  while (text.length - at > size) {
    const newline = text.lastIndexOf("\n", at + size - 1);
    const end = newline >= at + size / 2 ? newline + 1 : at + size;
    chunks.push(text.slice(at, end));
    at = end;
  }
  chunks.push(text.slice(at));
  return chunks;
}
