// Pure path confinement: where does a tool's path argument really land, and is that inside
// the workspace? No pi and no vscode imports, so unit tests can call it directly.
//
// The input is first read the way pi's own tools read it (pi 0.87.1, utils/paths.js
// `resolvePath` with `normalizeUnicodeSpaces` and `stripAtPrefix`):
//   1. Unicode spaces (U+00A0, U+2000–U+200A, U+202F, U+205F, U+3000) become plain spaces;
//   2. one leading `@` is dropped;
//   3. `~` and `~/…` expand to the home directory (`~user` is NOT expanded: it is a relative name);
//   4. a `file://` URL becomes its path;
//   5. the result is resolved against the base directory with Node's `path.resolve`, which
//      folds `.`, `..` and `//` lexically (pi opens exactly that string).
// Then every component is walked on the real file system, following symbolic links the way the
// kernel would (a link's target is resolved from the link's real parent, and a `..` inside a
// target climbs the physical parent). A component that does not exist is taken as the plain
// directory or file a `write` would create (pi's write does `mkdir -p`), and the walk goes on. A dangling
// link is followed to its (missing) target, so writing through it is judged by the target.
// A link loop, or any error other than "does not exist", cannot be proven safe: it is refused.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const UNICODE_SPACES = /[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g;
/** Linux's own limit on symbolic links followed while resolving one path. */
const MAX_LINKS = 40;

export interface ResolveOptions {
  /** Directory relative paths start from (pi's cwd). Defaults to the workspace. */
  base?: string;
  /** Home directory for `~`. Defaults to os.homedir(). */
  home?: string;
}

export type PathVerdict =
  | { inside: true; /** The physical path the tool would touch. */ resolved: string; workspace: string }
  | { inside: false; resolved: string; workspace: string; /** Why it was refused (the model reads this). */ reason: string };

/** pi's own reading of a path argument, before touching the file system (steps 1–5 above). */
export function expandLikePi(input: string, base: string, home: string = os.homedir()): string {
  let p = input.replace(UNICODE_SPACES, " ");
  if (p.startsWith("@")) p = p.slice(1);
  if (p === "~") p = home;
  else if (p.startsWith("~/") || (process.platform === "win32" && p.startsWith("~\\"))) p = path.join(home, p.slice(2));
  else if (/^file:\/\//.test(p)) p = fileURLToPath(p);
  return path.isAbsolute(p) ? path.resolve(p) : path.resolve(base, p);
}

class LinkLoopError extends Error {}

function splitComponents(p: string): { root: string; parts: string[] } {
  const root = path.parse(p).root;
  return { root, parts: p.slice(root.length).split(/[\\/]+/).filter((s) => s.length > 0) };
}

/**
 * Resolves an absolute path physically: symbolic links are followed component by component;
 * a missing component is taken as the plain directory or file a write would create.
 * Throws LinkLoopError on a link loop, and the fs error for anything but ENOENT/ENOTDIR.
 */
export function physicalPath(absolute: string): string {
  const { root, parts } = splitComponents(path.resolve(absolute));
  let current = root;
  const pending = parts.reverse(); // a stack: the next component is at the end
  let links = 0;
  while (pending.length > 0) {
    const part = pending.pop() as string;
    if (part === ".") continue;
    if (part === "..") {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(next);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw err;
      // Missing: a write would create it as a plain directory or file (mkdir -p), so the walk
      // goes on through it; a later `..` (from a link target) climbs back onto real ground.
      current = next;
      continue;
    }
    if (!stat.isSymbolicLink()) {
      current = next;
      continue;
    }
    if (++links > MAX_LINKS) throw new LinkLoopError(`more than ${MAX_LINKS} symbolic links`);
    const target = fs.readlinkSync(next);
    const t = splitComponents(target);
    if (t.root) current = t.root; // absolute target: restart from its root
    for (let i = t.parts.length - 1; i >= 0; i--) pending.push(t.parts[i]);
  }
  return current;
}

/** True when `candidate` is `root` or below it (both physical, absolute). */
export function isWithin(root: string, candidate: string): boolean {
  if (candidate === root) return true;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return candidate.startsWith(prefix);
}

/** The workspace's own physical path (it may itself sit behind a symbolic link, e.g. /tmp on macOS). */
export function physicalWorkspace(workspace: string): string {
  try {
    return physicalPath(path.resolve(workspace));
  } catch {
    return path.resolve(workspace);
  }
}

/**
 * Decides whether a tool path argument stays inside the workspace.
 * `workspace` may be given as the user sees it; it is resolved physically here.
 */
export function resolveInside(workspace: string, input: string, options: ResolveOptions = {}): PathVerdict {
  const ws = physicalWorkspace(workspace);
  const base = options.base ?? workspace;
  let expanded: string;
  try {
    expanded = expandLikePi(input, base, options.home);
  } catch (err) {
    return { inside: false, resolved: input, workspace: ws, reason: `Blocked: ${input} is not a usable path (${(err as Error).message}); only paths inside the workspace ${ws} are allowed, anything else counts as outside the workspace.` };
  }
  let resolved: string;
  try {
    resolved = physicalPath(expanded);
  } catch (err) {
    const why = err instanceof LinkLoopError ? "a symbolic link loop" : `not checkable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    return {
      inside: false,
      resolved: expanded,
      workspace: ws,
      reason: `Blocked: ${input} cannot be resolved (${why}), so it is treated as outside the workspace ${ws}.`,
    };
  }
  if (isWithin(ws, resolved)) return { inside: true, resolved, workspace: ws };
  return { inside: false, resolved, workspace: ws, reason: `Blocked: ${input} resolves outside the workspace ${ws} (to ${resolved}).` };
}

/**
 * pi's `read` tool, when the exact file is missing, silently tries look-alike names (macOS
 * screenshot names: a narrow no-break space before AM/PM, NFD Unicode, a curly apostrophe).
 * Each variant can be a different entry — even a symbolic link — so every one must be checked.
 * Mirrors pi 0.87.1 core/tools/path-utils.js `resolveReadPath`.
 */
export function readPathVariants(expanded: string): string[] {
  const amPm = expanded.replace(/ (AM|PM)\./gi, "\u202F$1.");
  const nfd = expanded.normalize("NFD");
  const curly = expanded.replace(/'/g, "\u2019");
  const nfdCurly = nfd.replace(/'/g, "\u2019");
  return [...new Set([expanded, amPm, nfd, curly, nfdCurly])];
}

/** resolveInside for pi's `read`: the path and every look-alike pi might open instead. */
export function resolveReadInside(workspace: string, input: string, options: ResolveOptions = {}): PathVerdict {
  const first = resolveInside(workspace, input, options);
  if (!first.inside) return first;
  const ws = first.workspace;
  const expanded = expandLikePi(input, options.base ?? workspace, options.home); // succeeded just above
  for (const variant of readPathVariants(expanded).slice(1)) {
    let resolved: string;
    try {
      resolved = physicalPath(variant);
    } catch {
      continue; // pi only switches to a variant that exists; an unresolvable one cannot be opened
    }
    if (!isWithin(ws, resolved)) {
      return { inside: false, resolved, workspace: ws, reason: `Blocked: ${input} resolves outside the workspace ${ws} (pi would open the look-alike ${variant}, which leads to ${resolved}).` };
    }
  }
  return first;
}
