// Shell-command approval policy: pure functions, no pi and no vscode imports.
// The configuration (PI_VSCODE_BASH_POLICY, PI_VSCODE_BASH_ALLOW) is read in config.ts.
//
// Pattern language (one pattern = one string):
//   - Without `*` or `?`: a command prefix on word boundaries. "npm test" allows "npm test" and
//     "npm test -- --grep x", not "npm tests". "git" allows every git command.
//   - With `*` / `?`: a glob over the whole command. `*` matches any run of characters (spaces
//     included), `?` exactly one. "git log *" allows "git log --oneline" but not "git log".
//   Whitespace runs in commands and patterns compare as one space; leading/trailing space is ignored.
//   A command containing shell control or substitution characters — ; & | < > ` $ ( ) newline —
//   is never allowed by a pattern (it could chain an unlisted command: "npm test; rm -rf ~"):
//   it is asked about instead.
//   Nor is a command whose meaning a pattern cannot pin down (asked about instead):
//     - unbalanced quotes, or an unquoted `* ? [ {` (bash could expand it into other words,
//       e.g. a file pi wrote named `-c`);
//     - a leading `NAME=value` environment assignment;
//     - an option or word from commandRisk.ts that loads configuration or code, or changes the
//       project or program (`git -c …`, `git -C dir`, `npm test --script-shell=…`, `make -f …`,
//       `pytest -p …`), unless the pattern itself spells that word.
//   Quotes and backslashes are removed as bash does before these checks (`git '-c' …` is `-c`).
//   An invalid PI_VSCODE_BASH_ALLOW (not a JSON array of strings) counts as an empty list.

import { riskyWord } from "./commandRisk";
import type { GuardConfig } from "./config";
import { shellWords } from "./shellWords";

/** The options offered in the approval dialog, in order. The host renders them as buttons. */
export const ALLOW_ONCE = "Allow once";
export const ALWAYS_ALLOW = "Always allow this command";
export const DENY = "Deny";
export const APPROVAL_OPTIONS = [ALLOW_ONCE, ALWAYS_ALLOW, DENY] as const;

/** Collapses whitespace so "npm  test" and "npm test" compare equal. */
export function normalizeCommand(command: string): string {
  return command.trim().replace(/[ \t]+/g, " ");
}

const SHELL_SPECIAL = /[;&|<>`$()\n\r]/;

/** True when the command could run more than the one program it names (chaining, substitution, redirection). */
export function hasShellSyntax(command: string): boolean {
  return SHELL_SPECIAL.test(command);
}

function globToRegExp(glob: string): RegExp {
  let source = "";
  for (const ch of glob) {
    if (ch === "*") source += "[\\s\\S]*";
    else if (ch === "?") source += "[\\s\\S]";
    else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** Why no pattern may allow this command (see the pattern language above); undefined when one may. */
export function unpinnableReason(command: string, pattern = ""): string | undefined {
  const cmd = normalizeCommand(command);
  if (hasShellSyntax(cmd)) return "it uses shell syntax (; & | < > $ ( ) or backticks)";
  const split = shellWords(cmd);
  if (!split) return "its quotes are unbalanced";
  if (split.expands) return "an unquoted * ? [ or { could expand into other words";
  // Words the pattern spells itself are what the user chose to allow.
  const spelled = new Set((shellWords(normalizeCommand(pattern))?.words ?? []).filter((w) => !w.includes("*") && !w.includes("?")));
  const risky = riskyWord(split.words, spelled);
  return risky === undefined ? undefined : `"${risky}" changes what the command loads or runs`;
}

/** Does one allow-list pattern allow this command? (See the pattern language above.) */
export function patternMatches(pattern: string, command: string): boolean {
  const cmd = normalizeCommand(command);
  const pat = normalizeCommand(pattern);
  if (!pat || !cmd) return false;
  const shapeMatches = pat.includes("*") || pat.includes("?") ? globToRegExp(pat).test(cmd) : cmd === pat || cmd.startsWith(`${pat} `);
  return shapeMatches && unpinnableReason(cmd, pat) === undefined;
}

export function isAllowListed(patterns: readonly string[], command: string): boolean {
  return patterns.some((p) => patternMatches(p, command));
}

/** What the guard does before a command runs, given the policy and what the user already approved. */
export function decide(config: Pick<GuardConfig, "policy" | "allow">, remembered: ReadonlySet<string>, command: string): "allow" | "ask" {
  if (config.policy === "never-ask") return "allow";
  if (remembered.has(normalizeCommand(command))) return "allow";
  if (config.policy === "allowList" && isAllowListed(config.allow, command)) return "allow";
  return "ask";
}

/** The dialog title (RPC `select` carries only a title and options, so it holds everything). */
export function approvalTitle(command: string, cwd: string, source: "agent" | "user"): string {
  const who = source === "agent" ? "Pi wants to run a shell command" : "Run your shell command";
  return `${who}:\n\n${command}\n\nin ${cwd}`;
}
