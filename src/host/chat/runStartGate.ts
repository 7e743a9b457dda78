// pi answers a prompt before its run starts (agent_start); a second prompt in that moment passes
// pi's "already processing" check too and is then dropped without a word (pi 0.87.1). So a
// message waits here until the run of the one before it has started, and is then queued.

/** How long a run may take to start before the next message goes through anyway. */
const MAX_WAIT_MS = 10_000;

export class RunStartGate {
  private gate: { started: Promise<void>; release: () => void } | undefined;

  /** A prompt that starts a run is being sent: later messages wait until release(). */
  hold(): void {
    let resolve = () => {};
    const started = new Promise<void>((r) => (resolve = r));
    // Never held for ever: a run that does not start in time (pi busy compacting, say) lets
    // the next message through, where pi's own answer decides.
    const timer = setTimeout(() => this.release(), MAX_WAIT_MS);
    this.gate = {
      started,
      release: () => {
        clearTimeout(timer);
        resolve();
      },
    };
  }

  /** pi started (or settled, or exited, or refused the prompt). */
  release(): void {
    const gate = this.gate;
    this.gate = undefined;
    gate?.release();
  }

  /**
   * While a run is about to start, when it has: `while (gate.pending) await gate.pending`. A
   * getter, not an async method, so that no await happens when there is nothing to wait for —
   * an extra tick would let two messages sent together both pass before either holds the gate.
   */
  get pending(): Promise<void> | undefined {
    return this.gate?.started;
  }
}
