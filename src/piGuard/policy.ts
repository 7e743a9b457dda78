// Shell-command approval policy: pure functions, no pi and no vscode imports.
//
// Environment (set by the host for pi):
//   PI_VSCODE_BASH_POLICY  "ask" (default) | "allowList" | "never-ask"
//   PI_VSCODE_BASH_ALLOW   JSON array of command patterns, used by "allowList"
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
//   An invalid PI_VSCODE_BASH_ALLOW (not a JSON array of strings) counts as an empty list.

export type BashPolicy = "ask" | "allowList" | "never-ask";

export interface GuardConfig {
  workspace: string;
  policy: BashPolicy;
  allow: string[];
  /** Problems found while reading the environment (shown to the user once). */
  warnings: string[];
}

/** The options offered in the approval dialog, in order. The host renders them as buttons. */
export const ALLOW_ONCE = "Allow once";
export const ALWAYS_ALLOW = "Always allow this command";
export const DENY = "Deny";
export const APPROVAL_OPTIONS = [ALLOW_ONCE, ALWAYS_ALLOW, DENY] as const;

const POLICIES: readonly BashPolicy[] = ["ask", "allowList", "never-ask"];

export function readConfig(env: NodeJS.ProcessEnv, cwd: string): GuardConfig {
  const warnings: string[] = [];
  const workspace = env.PI_VSCODE_WORKSPACE?.trim() || cwd;
  let policy: BashPolicy = "ask";
  const rawPolicy = env.PI_VSCODE_BASH_POLICY?.trim();
  if (rawPolicy) {
    if ((POLICIES as readonly string[]).includes(rawPolicy)) policy = rawPolicy as BashPolicy;
    else warnings.push(`Unknown PI_VSCODE_BASH_POLICY "${rawPolicy}"; asking before every command.`);
  }
  let allow: string[] = [];
  const rawAllow = env.PI_VSCODE_BASH_ALLOW?.trim();
  if (rawAllow) {
    try {
      const parsed: unknown = JSON.parse(rawAllow);
      if (Array.isArray(parsed) && parsed.every((p): p is string => typeof p === "string")) allow = parsed.filter((p) => p.trim().length > 0);
      else warnings.push("PI_VSCODE_BASH_ALLOW is not a JSON array of strings; no command is pre-approved.");
    } catch {
      warnings.push("PI_VSCODE_BASH_ALLOW is not valid JSON; no command is pre-approved.");
    }
  }
  return { workspace, policy, allow, warnings };
}

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

/** Does one allow-list pattern allow this command? (See the pattern language above.) */
export function patternMatches(pattern: string, command: string): boolean {
  const cmd = normalizeCommand(command);
  const pat = normalizeCommand(pattern);
  if (!pat || !cmd || hasShellSyntax(cmd)) return false;
  if (pat.includes("*") || pat.includes("?")) return globToRegExp(pat).test(cmd);
  return cmd === pat || cmd.startsWith(pat + " ");
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
