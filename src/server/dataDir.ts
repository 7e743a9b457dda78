// The server's data dir holds what signs and checks sign-ins (the JWT secret, the token
// version, revoked tokens). Like ssh with its keys, refuse a dir or file that another user
// could write (they could plant a secret and forge tokens) or read, or that is not ours.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export class UnsafeDataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsafeDataDirError";
  }
}

const mode = (st: fs.Stats) => (st.mode & 0o777).toString(8).padStart(4, "0");

/** Mode bits and owners mean nothing on Windows; there the checks are skipped. */
function ownerChecks(): number | undefined {
  return process.platform === "win32" ? undefined : process.getuid?.();
}

function checkOwner(p: string, st: fs.Stats, uid: number): void {
  if (st.uid !== uid) {
    throw new UnsafeDataDirError(
      `${p} is owned by uid ${st.uid}, not by this user (uid ${uid}): its owner could replace the server's sign-in secrets. ` +
        `Use a data dir of your own (--data-dir or PI_VSCODE_SERVER_DATA_DIR), or run: chown ${uid} ${p}`,
    );
  }
}

/** Creates `dir` (0700) if needed; throws when another user could write it or it is not ours. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const uid = ownerChecks();
  if (uid === undefined) return;
  const st = fs.statSync(dir);
  if (!st.isDirectory()) throw new UnsafeDataDirError(`The data dir ${dir} is not a directory.`);
  checkOwner(dir, st, uid);
  if (st.mode & 0o022) {
    throw new UnsafeDataDirError(`The data dir ${dir} is writable by other users (mode ${mode(st)}): they could replace the JWT secret and sign in as you. Run: chmod 700 ${dir}`);
  }
}

/** A secret file's content, or undefined when it does not exist; throws when others may touch it. */
export function readPrivateFile(file: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  if (!st.isFile()) throw new UnsafeDataDirError(`${file} is not a regular file (a link or a directory): remove it and restart.`);
  const uid = ownerChecks();
  if (uid !== undefined) {
    checkOwner(file, st, uid);
    if (st.mode & 0o077) {
      throw new UnsafeDataDirError(`${file} can be read or written by other users (mode ${mode(st)}): whoever reads or replaces it can sign in as you. Run: chmod 600 ${file}`);
    }
  }
  return fs.readFileSync(file, "utf8");
}

/** Writes a secret file (0600) atomically: a crash leaves the old content or the new, never half. */
export function writePrivateFile(file: string, content: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  fs.writeFileSync(tmp, content, { mode: 0o600, flag: "wx" });
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** JWT_SECRET, else a secret generated once and kept in the data dir (mode 0600). */
export function loadOrCreateJwtSecret(dataDir: string, configured?: string): string {
  if (configured) return configured;
  ensurePrivateDir(dataDir);
  const file = path.join(dataDir, "jwt-secret");
  const existing = readPrivateFile(file)?.trim();
  if (existing && existing.length >= 32) return existing;
  const secret = randomBytes(48).toString("base64url");
  writePrivateFile(file, `${secret}\n`);
  return secret;
}
