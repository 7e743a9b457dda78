// Cheap guards in front of marked's costliest block rules. V8 compiles a regular expression on
// its first run, and the rules for paragraphs, setext headings, tables, block quotes and HTML
// blocks each embed a list of some 60 HTML tag names, and a page's first markdown paid for all
// of them (in node here, the first lex of two short paragraphs took 42–45 ms; guarded, 13–14).
// Most answers need none of them but the paragraph rule, and most paragraphs are one line. So each rule gets a test of a condition its match needs; only when
// that holds does the rule itself run (and get compiled). A one-line paragraph is matched here.
// The tokens stay exactly marked's (test/unit/markdownRules.test.ts compares them).
import { Lexer } from "marked";

/** What marked's tokenizer calls on a block rule (checked for marked 18.2.1: exec, and test). */
interface BlockRule {
  exec(src: string): RegExpExecArray | null;
  test(src: string): boolean;
}

class GuardedRule implements BlockRule {
  constructor(
    readonly rule: RegExp,
    private readonly mayMatch: (src: string) => boolean,
  ) {}

  exec(src: string): RegExpExecArray | null {
    return this.mayMatch(src) ? this.rule.exec(src) : null;
  }

  test(src: string): boolean {
    return this.exec(src) !== null;
  }
}

/** A paragraph whose first line is all of it (the next is blank, or there is none) needs no rule. */
class ParagraphRule implements BlockRule {
  constructor(readonly rule: RegExp) {}

  exec(src: string): RegExpExecArray | null {
    const nl = src.indexOf("\n");
    if (nl === 0 || src.length === 0 || (nl > 0 && nl + 1 < src.length && src.charCodeAt(nl + 1) !== 10)) return this.rule.exec(src);
    const line = nl < 0 ? src : src.slice(0, nl);
    // The rule's match: group 1 is the whole of it, and it starts at 0.
    const match: [string, string] = [line, line];
    return Object.assign(match, { index: 0, input: src, groups: undefined });
  }

  test(src: string): boolean {
    return this.exec(src) !== null;
  }
}

const BLOCKQUOTE_START = /^ {0,3}>/;
const HTML_START = /^ {0,3}</;
/** The table rule up to its delimiter row: a header line, then the row, then a newline or the end. */
const TABLE_HEAD = /^ *[^\n ].*\n {0,3}(?:\| *)?:?-+:? *(?:\| *:?-+:? *)*(?:\| *)?(?:\n|$)/;
const UNDERLINE = /\n {0,3}(?:=+|-+)[ \t]*(?:\n|$)/y;
const BLANK_LINE = /\n\s*?\n/y;
/** Lines to look through for a setext underline before leaving it to the rule itself. */
const SETEXT_LINES = 200;

/** A setext heading's underline comes before its text's first blank line. */
function maySetext(src: string): boolean {
  let lines = 0;
  for (let i = src.indexOf("\n"); i >= 0; i = src.indexOf("\n", i + 1)) {
    if (++lines > SETEXT_LINES) return true;
    UNDERLINE.lastIndex = i;
    if (UNDERLINE.test(src)) return true;
    BLANK_LINE.lastIndex = i;
    if (BLANK_LINE.test(src)) return false;
  }
  return false;
}

let real: RegExp[] | undefined;

/**
 * Puts the guards in front of the gfm block rules (once: marked's rule tables are shared).
 * Returns the rules themselves, for warming up when the page is idle.
 */
export function guardBlockRules(): RegExp[] {
  if (real) return real;
  const gfm = Lexer.rules.block.gfm;
  const guards: Partial<Record<keyof typeof gfm, BlockRule>> = {
    paragraph: new ParagraphRule(gfm.paragraph),
    lheading: new GuardedRule(gfm.lheading, maySetext),
    table: new GuardedRule(gfm.table, (src) => TABLE_HEAD.test(src)),
    blockquote: new GuardedRule(gfm.blockquote, (src) => BLOCKQUOTE_START.test(src)),
    html: new GuardedRule(gfm.html, (src) => HTML_START.test(src)),
  };
  real = [];
  for (const [name, guard] of Object.entries(guards) as Array<[keyof typeof gfm, BlockRule]>) {
    real.push(gfm[name]);
    // marked types its rules as RegExp, and calls only exec and test on a block rule.
    gfm[name] = guard as unknown as RegExp;
  }
  return real;
}
