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
