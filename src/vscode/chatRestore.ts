// Chats come back after a window reload: the sidebar's and each editor tab's pi session file
// is remembered per workspace, and a restored view starts pi again with `--session <file>`.
// Records are keyed by view ("sidebar", or "panel:<chat id>" kept in the tab's webview state);
// a restored tab can only name a record we wrote, never an arbitrary path.
import * as fs from "node:fs";
import type * as vscode from "vscode";

export interface RestoreRecord {
  cwd: string;
  file: string;
  /** Started on the built-in demo model (restored on it too). */
  demo?: boolean;
  savedAt: number;
}

const STATE_KEY = "pi.restore";
/** Tabs closed for good are never told apart from tabs closed by a reload: keep the newest few. */
const MAX_RECORDS = 30;

export class ChatRestore {
  constructor(private readonly state: vscode.Memento) {}

  private all(): Record<string, RestoreRecord> {
    return this.state.get<Record<string, RestoreRecord>>(STATE_KEY) ?? {};
  }

  remember(key: string, record: Omit<RestoreRecord, "savedAt">): void {
    const current = this.all()[key];
    if (current && current.file === record.file && current.cwd === record.cwd && !!current.demo === !!record.demo) return;
    const entries = Object.entries({ ...this.all(), [key]: { ...record, savedAt: Date.now() } })
      .sort(([, a], [, b]) => b.savedAt - a.savedAt)
      .slice(0, MAX_RECORDS);
    void this.state.update(STATE_KEY, Object.fromEntries(entries));
  }

  forget(key: string): void {
    const all = this.all();
    if (!(key in all)) return;
    delete all[key];
    void this.state.update(STATE_KEY, all);
  }

  /** The record, if its session file still exists and its folder is still open. */
  get(key: string, openFolders: string[]): RestoreRecord | undefined {
    const record = this.all()[key];
    if (!record || !openFolders.includes(record.cwd) || !fs.existsSync(record.file)) return undefined;
    return record;
  }
}
