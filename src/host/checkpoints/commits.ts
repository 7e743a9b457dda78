// A checkpoint is a parentless commit of the captured tree whose message carries its metadata,
// so the repository alone says what a checkpoint is (kind, session, skipped files), and one ref
// per checkpoint (refs/cp/<id>) keeps it alive until pruning deletes the ref. No parent on
// purpose: deleting a ref then really frees that checkpoint's objects at the next gc.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CheckpointGoneError, StoreDamagedError } from "./errors";
import { GitError, type Git } from "./git";
import type { Checkpoint, CheckpointKind, SkippedFile } from "./types";

const META_PREFIX = "pi-checkpoint: ";
const KINDS: CheckpointKind[] = ["turn-start", "turn-end", "rewind", "restored"];

export const CHECKPOINT_REF_PREFIX = "refs/cp/";
export const REVIEW_REF_PREFIX = "refs/rv/";

interface Meta {
  v: 1;
  kind: CheckpointKind;
  sessionId: string;
  chatId?: string;
  createdAt: number;
  skipped: SkippedFile[];
  /** Makes two checkpoints of the same tree in the same millisecond two checkpoints. */
  nonce?: string;
}

export function isObjectId(value: unknown): value is string {
  return typeof value === "string" && /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(value);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 200) || "checkpoint";
}

/**
 * Creates a ref as git stores one (a file holding the object name, renamed into place), which
 * saves a git process per checkpoint. Safe beside a concurrent gc: pack-refs only removes loose
 * refs it packed, and only if they still hold the value it packed.
 */
export function writeLooseRef(gitDir: string, ref: string, id: string): void {
  const file = path.join(gitDir, ...ref.split("/"));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, `${id}\n`);
  fs.renameSync(tmp, file);
}

/** Whether a ref exists, loose or packed (read from the files: no git process for a lookup). */
export function hasRef(gitDir: string, ref: string): boolean {
  if (fs.existsSync(path.join(gitDir, ...ref.split("/")))) return true;
  try {
    return fs.readFileSync(path.join(gitDir, "packed-refs"), "utf8").includes(` ${ref}\n`);
  } catch {
    return false;
  }
}

export async function writeCheckpointCommit(git: Git, tree: string, meta: Omit<Meta, "v">, label: string): Promise<string> {
  const full: Meta = { v: 1, ...meta, nonce: randomBytes(6).toString("hex") };
  const message = `${oneLine(label)}\n\n${META_PREFIX}${JSON.stringify(full)}\n`;
  const when = `${Math.floor(meta.createdAt / 1000)} +0000`;
  const id = await git.text(["commit-tree", tree], { input: message, env: { GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when } });
  writeLooseRef(git.gitDir, CHECKPOINT_REF_PREFIX + id, id);
  return id;
}

/** Reads a checkpoint back from its commit. Throws CheckpointGoneError or StoreDamagedError. */
export async function readCheckpointCommit(git: Git, id: string): Promise<Checkpoint> {
  if (!isObjectId(id)) throw new CheckpointGoneError(String(id), "it is not a checkpoint id");
  let text: string;
  try {
    text = (await git.run(["cat-file", "commit", id])).stdout.toString("utf8");
  } catch (err) {
    if (err instanceof GitError && /not a valid object|bad file|could not get object info|unable to read|does not exist/i.test(err.stderr) && !/corrupt|inflate/i.test(err.stderr)) {
      throw new CheckpointGoneError(id, "it is no longer in this folder's checkpoint store (pruned with its session, or the store was reset)");
    }
    if (err instanceof GitError && err.looksLikeDamage) throw new StoreDamagedError(err.stderr.trim().split("\n")[0]);
    throw err;
  }
  const body = text.slice(text.indexOf("\n\n") + 2);
  const label = body.split("\n")[0];
  const metaLine = body.split("\n").find((l) => l.startsWith(META_PREFIX));
  let meta: Meta | undefined;
  try {
    const parsed: unknown = metaLine ? JSON.parse(metaLine.slice(META_PREFIX.length)) : undefined;
    if (isMeta(parsed)) meta = parsed;
  } catch {
    // below
  }
  if (!meta) throw new CheckpointGoneError(id, "that commit is not a checkpoint of this store");
  return { id, createdAt: meta.createdAt, kind: meta.kind, label, sessionId: meta.sessionId, chatId: meta.chatId, skipped: meta.skipped };
}

function isMeta(value: unknown): value is Meta {
  if (typeof value !== "object" || value === null) return false;
  const m = value as Record<string, unknown>;
  return m.v === 1 && KINDS.includes(m.kind as CheckpointKind) && typeof m.sessionId === "string" && typeof m.createdAt === "number" && Array.isArray(m.skipped);
}
