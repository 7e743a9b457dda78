// What ends a signed token before it expires: the token version (a new UI_PASSWORD picks a new
// one, so every token signed before dies) and the ids of tokens signed out. Kept in
// <data dir>/auth-state.json (0600) when tokens outlive the process (a persisted or configured
// secret), in memory otherwise.
import { randomInt } from "node:crypto";
import * as path from "node:path";
import { ensurePrivateDir, readPrivateFile, writePrivateFile } from "./dataDir";
import { PasswordCheck, type ScryptQueue } from "./password";

export const STATE_FILE = "auth-state.json";
/** Past this many live revocations the version changes instead: everyone signs in again. */
const MAX_REVOKED = 10_000;

interface Stored {
  version: number;
  /** The scrypt hash of the password the version belongs to (to notice a new UI_PASSWORD). */
  password?: { salt: string; hash: string };
  /** Token id → its expiry (seconds): kept until then. */
  revoked: Record<string, number>;
}

/** Random rather than counted: a lost or corrupt state file cannot bring an old version back. */
const newVersion = () => randomInt(1, 2 ** 31);

function parse(raw: string | undefined): Stored | undefined {
  if (raw === undefined) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<Stored>;
    if (typeof v.version !== "number" || typeof v.revoked !== "object" || v.revoked === null) return undefined;
    const p = v.password;
    const password = p && typeof p.salt === "string" && typeof p.hash === "string" ? { salt: p.salt, hash: p.hash } : undefined;
    return { version: v.version, password, revoked: v.revoked };
  } catch {
    return undefined;
  }
}

export class TokenState {
  private readonly revoked: Map<string, number>;

  private constructor(
    private readonly file: string | undefined,
    private data: Stored,
  ) {
    this.revoked = new Map(Object.entries(data.revoked).filter((e): e is [string, number] => typeof e[1] === "number"));
  }

  static inMemory(): TokenState {
    return new TokenState(undefined, { version: newVersion(), revoked: {} });
  }

  /**
   * The state kept in `dataDir`, and the check for `uiPassword`. A password other than the one
   * the file remembers (or none where it remembered one) starts a new version.
   */
  static open(dataDir: string, uiPassword: string | undefined, queue: ScryptQueue): { state: TokenState; password?: PasswordCheck } {
    ensurePrivateDir(dataDir);
    const file = path.join(dataDir, STATE_FILE);
    const stored = parse(readPrivateFile(file));
    let data = stored ?? { version: newVersion(), revoked: {} };
    let password: PasswordCheck | undefined;
    const remembered = data.password && new PasswordCheck(Buffer.from(data.password.salt, "base64"), Buffer.from(data.password.hash, "base64"), queue);
    if (uiPassword && remembered?.isSync(uiPassword)) password = remembered;
    else if (uiPassword) {
      password = PasswordCheck.create(uiPassword, queue);
      data = { version: newVersion(), revoked: {}, password: { salt: password.salt.toString("base64"), hash: password.hash.toString("base64") } };
    } else if (remembered) data = { version: newVersion(), revoked: {} };
    const state = new TokenState(file, data);
    if (data !== stored) state.save();
    return { state, password };
  }

  get version(): number {
    return this.data.version;
  }

  isRevoked(tokenId: string): boolean {
    return this.revoked.has(tokenId);
  }

  /** Revokes `tokenId` until `exp`; true when that took a new version (the list was full). */
  revoke(tokenId: string, exp: number, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
    for (const [id, until] of this.revoked) if (until <= nowSeconds) this.revoked.delete(id);
    this.revoked.set(tokenId, exp);
    let renewed = false;
    if (this.revoked.size > MAX_REVOKED) {
      this.revoked.clear();
      this.data = { ...this.data, version: newVersion() };
      renewed = true;
    }
    this.save();
    return renewed;
  }

  private save(): void {
    if (!this.file) return;
    this.data = { ...this.data, revoked: Object.fromEntries(this.revoked) };
    writePrivateFile(this.file, `${JSON.stringify(this.data)}\n`);
  }
}
