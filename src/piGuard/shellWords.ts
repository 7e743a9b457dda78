// How bash would split a simple command into words, for the allow-list matcher: the matcher
// must see `-c` in `git '-c' x status` or `git \-c x status` exactly as git will. Pure.
//
// Only what can reach here is handled: commands with `; & | < > $ ( )`, backticks or newlines
// are never allowed by a pattern (policy.ts), so there is no expansion or substitution left
// except pathname (`* ? [`) and brace (`{`) expansion — and those are reported, not performed:
// an unquoted glob could expand into a file named `-c` that pi wrote, so such a command is
// never allowed by a pattern either.

export interface ShellWords {
  /** The words after quote removal. */
  words: string[];
  /** An unquoted `* ? [ {` was seen: bash may expand it into other words. */
  expands: boolean;
}

const EXPANDING = new Set(["*", "?", "[", "{"]);

/** Splits like bash (quotes, backslashes); undefined when quotes are unbalanced. */
export function shellWords(command: string): ShellWords | undefined {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  let expands = false;
  let i = 0;
  while (i < command.length) {
    const ch = command[i];
    if (ch === " " || ch === "\t") {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (ch === "\\") {
      if (i + 1 >= command.length) return undefined;
      current += command[i + 1];
      i += 2;
    } else if (ch === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return undefined;
      current += command.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '"') {
      // Inside double quotes a backslash escapes only \ " $ ` and newline.
      let j = i + 1;
      for (; j < command.length && command[j] !== '"'; j++) {
        if (command[j] === "\\" && j + 1 < command.length && '\\"$`\n'.includes(command[j + 1])) j++;
        current += command[j];
      }
      if (j >= command.length) return undefined;
      i = j + 1;
    } else {
      if (EXPANDING.has(ch)) expands = true;
      current += ch;
      i++;
    }
  }
  if (inWord) words.push(current);
  return { words, expands };
}
