// pi has no command that lists sessions: it writes one JSONL file per session under
// <agentDir>/sessions/<folder named after the cwd>/. We read only each file's head (the
// `session` header and the first user message) and its tail (a late name) so a folder with
// many long sessions lists fast. test/integration/sessions.test.ts pins this to pi's own list.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface PiSession {
  file: string;
  id: string;
  /** ISO time the session started. */
  started: string;
  /** Last write (ms since epoch). */
  modified: number;
  /** The session's name (set_session_name) or its first user message. */
  title: string;
}

const HEAD_BYTES = 64 * 1024;

export function agentDirFrom(env: NodeJS.ProcessEnv): string {
  return env.PI_CODING_AGENT_DIR?.trim() || path.join(os.homedir(), ".pi", "agent");
}

/** `bytes` bytes of `file` from `at` (a negative `at` counts from the end). */
function readSlice(file: string, at: number, bytes = HEAD_BYTES): string {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const start = at < 0 ? Math.max(0, size + at) : at;
    const buf = Buffer.alloc(Math.min(bytes, Math.max(0, size - start)));
    const n = fs.readSync(fd, buf, 0, buf.length, start);
    return buf.subarray(0, n).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}

const readHead = (file: string) => readSlice(file, 0);

interface HeadLine {
  type?: string;
  id?: string;
  cwd?: string;
  timestamp?: string;
  name?: string;
  message?: { role?: string; content?: unknown };
}

function parseLines(head: string): HeadLine[] {
  const out: HeadLine[] = [];
  for (const line of head.split("\n")) {
    try {
      out.push(JSON.parse(line) as HeadLine);
    } catch {
      // the last line may be cut off by HEAD_BYTES
    }
  }
  return out;
}

function firstUserText(lines: HeadLine[]): string | undefined {
  for (const l of lines) {
    if (l.type !== "message" || l.message?.role !== "user") continue;
    const c = l.message.content;
    const text = typeof c === "string" ? c : Array.isArray(c) ? c.map((p: { text?: unknown }) => (typeof p.text === "string" ? p.text : "")).join("") : "";
    if (text.trim()) return text.trim().replace(/\s+/g, " ").slice(0, 120);
  }
  return undefined;
}

export function readPastSession(file: string): PiSession | undefined {
  let head: string;
  let modified: number;
  try {
    head = readHead(file);
    modified = fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  const lines = parseLines(head);
  const header = lines[0];
  if (header?.type !== "session" || !header.id) return undefined;
  // A name (session_info) may be given late in a long chat: the newest one is in the tail.
  const tail = fs.statSync(file).size > HEAD_BYTES ? parseLines(readSlice(file, -HEAD_BYTES)) : [];
  const named = [...lines, ...tail].reverse().find((l) => l.type === "session_info" && l.name);
  return {
    file,
    id: header.id,
    started: header.timestamp ?? new Date(modified).toISOString(),
    modified,
    title: named?.name ?? firstUserText(lines) ?? "(no messages yet)",
  };
}

/** Past sessions of `cwd`, newest first. */
export function listPiSessions(agentDir: string, cwd: string, limit = 200): PiSession[] {
  const root = path.join(agentDir, "sessions");
  let dirs: string[];
  try {
    dirs = fs.readdirSync(root);
  } catch {
    return [];
  }
  const sessions: PiSession[] = [];
  for (const dir of dirs) {
    const full = path.join(root, dir);
    let files: string[];
    try {
      files = fs.readdirSync(full).filter((f) => f.endsWith(".jsonl"));
    } catch {
      continue;
    }
    // A folder holds one cwd: check one header before reading the rest.
    const probe = files.length ? parseLines(readHead(path.join(full, files[0])).split("\n")[0])[0] : undefined;
    if (probe?.cwd !== cwd) continue;
    for (const f of files) {
      const s = readPastSession(path.join(full, f));
      if (s) sessions.push(s);
    }
  }
  return sessions.sort((a, b) => b.modified - a.modified).slice(0, limit);
}
