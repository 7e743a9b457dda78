// What pi's `edit` tool would write, computed before it runs, so the user can approve exactly
// that content. A port of pi 0.87.1 core/tools/edit.js `execute` and edit-diff.js
// `applyEditsToNormalizedContent` (pi does not export them); test/unit/piGuardEditApply.test.ts
// runs both on the same inputs, so a pi upgrade that changes the semantics fails that test.
// Pure: no pi, no vscode, no file system.

export interface EditReplacement {
  oldText: string;
  newText: string;
}

export type EditOutcome = { ok: true; content: string } | { ok: false; error: string };

function detectLineEnding(content: string): "\r\n" | "\n" {
  const crlf = content.indexOf("\r\n");
  const lf = content.indexOf("\n");
  if (lf === -1 || crlf === -1) return "\n";
  return crlf < lf ? "\r\n" : "\n";
}

function normalizeToLF(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(/\r/g, "\n");
}

function restoreLineEndings(text: string, ending: "\r\n" | "\n"): string {
  return ending === "\r\n" ? text.replace(/\n/g, "\r\n") : text;
}

function normalizeForFuzzyMatch(text: string): string {
  return text
    .normalize("NFKC")
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .replace(/[\u2018\u2019\u201A\u201B]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F]/g, '"')
    .replace(/[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g, "-")
    .replace(/[\u00A0\u2002-\u200A\u202F\u205F\u3000]/g, " ");
}

interface Match {
  found: boolean;
  index: number;
  matchLength: number;
  usedFuzzyMatch: boolean;
}

function fuzzyFindText(content: string, oldText: string): Match {
  const exact = content.indexOf(oldText);
  if (exact !== -1) return { found: true, index: exact, matchLength: oldText.length, usedFuzzyMatch: false };
  const fuzzyContent = normalizeForFuzzyMatch(content);
  const fuzzyOld = normalizeForFuzzyMatch(oldText);
  const fuzzy = fuzzyContent.indexOf(fuzzyOld);
  if (fuzzy === -1) return { found: false, index: -1, matchLength: 0, usedFuzzyMatch: false };
  return { found: true, index: fuzzy, matchLength: fuzzyOld.length, usedFuzzyMatch: true };
}

function countOccurrences(content: string, oldText: string): number {
  return normalizeForFuzzyMatch(content).split(normalizeForFuzzyMatch(oldText)).length - 1;
}

interface Replacement {
  editIndex: number;
  matchIndex: number;
  matchLength: number;
  newText: string;
}

function splitLinesWithEndings(content: string): string[] {
  return content.match(/[^\n]*\n|[^\n]+/g) ?? [];
}

function lineSpans(content: string): Array<{ start: number; end: number }> {
  let offset = 0;
  return splitLinesWithEndings(content).map((line) => {
    const span = { start: offset, end: offset + line.length };
    offset = span.end;
    return span;
  });
}

function replacementLineRange(lines: Array<{ start: number; end: number }>, r: Replacement): { startLine: number; endLine: number } {
  const start = r.matchIndex;
  const end = r.matchIndex + r.matchLength;
  const startLine = lines.findIndex((l) => start >= l.start && start < l.end);
  if (startLine === -1) throw new Error("Replacement range is outside the base content.");
  let endLine = startLine;
  while (endLine < lines.length && lines[endLine].end < end) endLine++;
  if (endLine >= lines.length) throw new Error("Replacement range is outside the base content.");
  return { startLine, endLine: endLine + 1 };
}

function applyReplacements(content: string, replacements: readonly Replacement[], offset = 0): string {
  let result = content;
  for (let i = replacements.length - 1; i >= 0; i--) {
    const r = replacements[i];
    const at = r.matchIndex - offset;
    result = result.substring(0, at) + r.newText + result.substring(at + r.matchLength);
  }
  return result;
}

function applyPreservingUnchangedLines(original: string, base: string, replacements: readonly Replacement[]): string {
  const originalLines = splitLinesWithEndings(original);
  const baseLines = lineSpans(base);
  if (originalLines.length !== baseLines.length) throw new Error("Cannot preserve unchanged lines because the base content has a different line count.");
  const groups: Array<{ startLine: number; endLine: number; replacements: Replacement[] }> = [];
  for (const r of [...replacements].sort((a, b) => a.matchIndex - b.matchIndex)) {
    const range = replacementLineRange(baseLines, r);
    const current = groups[groups.length - 1];
    if (current && range.startLine < current.endLine) {
      current.endLine = Math.max(current.endLine, range.endLine);
      current.replacements.push(r);
      continue;
    }
    groups.push({ ...range, replacements: [r] });
  }
  let originalIndex = 0;
  let result = "";
  for (const g of groups) {
    result += originalLines.slice(originalIndex, g.startLine).join("");
    const from = baseLines[g.startLine].start;
    const to = baseLines[g.endLine - 1].end;
    result += applyReplacements(base.slice(from, to), g.replacements, from);
    originalIndex = g.endLine;
  }
  return result + originalLines.slice(originalIndex).join("");
}

function notFound(path: string, i: number, total: number): string {
  return total === 1
    ? `Could not find the exact text in ${path}. The old text must match exactly including all whitespace and newlines.`
    : `Could not find edits[${i}] in ${path}. The oldText must match exactly including all whitespace and newlines.`;
}

/** pi's applyEditsToNormalizedContent: the new LF-normalized content, or pi's own error message. */
export function applyEditsToNormalized(normalized: string, edits: readonly EditReplacement[], path: string): EditOutcome {
  try {
    const norm = edits.map((e) => ({ oldText: normalizeToLF(e.oldText), newText: normalizeToLF(e.newText) }));
    const total = norm.length;
    const empty = norm.findIndex((e) => e.oldText.length === 0);
    if (empty >= 0) return { ok: false, error: total === 1 ? `oldText must not be empty in ${path}.` : `edits[${empty}].oldText must not be empty in ${path}.` };
    const fuzzy = norm.map((e) => fuzzyFindText(normalized, e.oldText)).some((m) => m.usedFuzzyMatch);
    const base = fuzzy ? normalizeForFuzzyMatch(normalized) : normalized;
    const matched: Replacement[] = [];
    for (let i = 0; i < total; i++) {
      const m = fuzzyFindText(base, norm[i].oldText);
      if (!m.found) return { ok: false, error: notFound(path, i, total) };
      const n = countOccurrences(base, norm[i].oldText);
      if (n > 1) {
        return {
          ok: false,
          error:
            total === 1
              ? `Found ${n} occurrences of the text in ${path}. The text must be unique. Please provide more context to make it unique.`
              : `Found ${n} occurrences of edits[${i}] in ${path}. Each oldText must be unique. Please provide more context to make it unique.`,
        };
      }
      matched.push({ editIndex: i, matchIndex: m.index, matchLength: m.matchLength, newText: norm[i].newText });
    }
    matched.sort((a, b) => a.matchIndex - b.matchIndex);
    for (let i = 1; i < matched.length; i++) {
      const [prev, cur] = [matched[i - 1], matched[i]];
      if (prev.matchIndex + prev.matchLength > cur.matchIndex) {
        return { ok: false, error: `edits[${prev.editIndex}] and edits[${cur.editIndex}] overlap in ${path}. Merge them into one edit or target disjoint regions.` };
      }
    }
    const content = fuzzy ? applyPreservingUnchangedLines(normalized, base, matched) : applyReplacements(base, matched);
    if (content === normalized) {
      return {
        ok: false,
        error:
          total === 1
            ? `No changes made to ${path}. The replacement produced identical content. This might indicate an issue with special characters or the text not existing as expected.`
            : `No changes made to ${path}. The replacements produced identical content.`,
      };
    }
    return { ok: true, content };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** The exact text pi's edit tool writes for a file whose current text is `raw` (BOM and CRLF kept as pi keeps them). */
export function proposedEdit(raw: string, edits: readonly EditReplacement[], path: string): EditOutcome {
  const bom = raw.startsWith("\uFEFF") ? "\uFEFF" : "";
  const text = bom ? raw.slice(1) : raw;
  const ending = detectLineEnding(text);
  const outcome = applyEditsToNormalized(normalizeToLF(text), edits, path);
  return outcome.ok ? { ok: true, content: bom + restoreLineEndings(outcome.content, ending) } : outcome;
}

/** pi's edit input after its prepareArguments (which runs before tool_call): the edits, or undefined if malformed. */
export function editsOf(input: Record<string, unknown>): EditReplacement[] | undefined {
  const edits = input.edits;
  if (!Array.isArray(edits) || edits.length === 0) return undefined;
  const ok = edits.every((e): e is EditReplacement => typeof e === "object" && e !== null && typeof (e as EditReplacement).oldText === "string" && typeof (e as EditReplacement).newText === "string");
  return ok ? edits : undefined;
}
