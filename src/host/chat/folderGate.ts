// The host's side of the guard's checkpoint gate (src/piGuard/checkpointGate.ts): a marker file
// that exists while the checkpoint before a message is being taken, so that the message can go
// to pi at the same time and pi's tools still wait for the checkpoint.
import * as fs from "node:fs";

export class FolderGate {
  private holds = 0;

  constructor(private readonly marker: string) {}

  /** Closes the gate; false if the marker could not be written (then the caller waits itself). */
  close(): boolean {
    if (this.holds === 0) {
      try {
        fs.writeFileSync(this.marker, "", { mode: 0o600 });
      } catch {
        return false;
      }
    }
    this.holds++;
    return true;
  }

  open(): void {
    if (this.holds === 0 || --this.holds > 0) return;
    try {
      fs.rmSync(this.marker, { force: true });
    } catch {
      // The guard's wait ends at its timeout and refuses the tool: no change goes unrecorded.
    }
  }
}
