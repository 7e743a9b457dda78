// Every path a review or restore request names goes through here, like every other path the
// extension accepts: it must land inside the workspace folder, physically (a link out of the
// folder is refused), and never inside a `.git`. The answer is the path as git names it in the
// shadow repository: relative to the folder's real path, `/`-separated.
//
// The last component is not followed: a request about `link` means the link itself (git records
// links as links, restores recreate them), and deleting or writing it never touches its target.
import * as path from "node:path";
import { isWithin, physicalPath } from "../../piGuard/paths";
import { PathRejectedError } from "./errors";

export function toRepoPath(folderReal: string, input: string): string {
  if (typeof input !== "string" || input.length === 0) throw new PathRejectedError(String(input), "an empty path");
  if (input.includes("\0")) throw new PathRejectedError(input, "a path with a NUL character");
  let candidate = input;
  if (/^file:\/\//.test(candidate)) throw new PathRejectedError(input, "a URL, not a path inside the workspace");
  candidate = candidate.replace(/\\/g, "/");
  const absolute = path.isAbsolute(candidate) ? path.resolve(candidate) : path.resolve(folderReal, candidate);
  const base = path.basename(absolute);
  let parent: string;
  try {
    parent = physicalPath(path.dirname(absolute));
  } catch (err) {
    throw new PathRejectedError(input, `it cannot be resolved (${(err as Error).message})`);
  }
  const full = path.join(parent, base);
  if (!isWithin(folderReal, full) || full === folderReal) throw new PathRejectedError(input, `it is outside the workspace folder ${folderReal}`);
  const rel = path.relative(folderReal, full).split(path.sep).join("/");
  if (rel.split("/").some((c) => c.toLowerCase() === ".git")) throw new PathRejectedError(input, "it is inside a .git folder, which checkpoints never touch");
  return rel;
}

/** toRepoPath for a list (undefined stays undefined: "every path"). */
export function toRepoPaths(folderReal: string, inputs: string[] | undefined): string[] | undefined {
  return inputs?.map((p) => toRepoPath(folderReal, p));
}
