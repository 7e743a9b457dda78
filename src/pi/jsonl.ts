// JSON Lines framing for pi's stdio. Splits on "\n" only: Node's readline also splits on
// U+2028/U+2029, which are legal inside JSON strings and would corrupt messages.

/** Lines longer than this are dropped (and reported) instead of growing memory without bound. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export class JsonlSplitter {
  private pending = "";
  private overflowing = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: (bytes: number) => void = () => undefined,
    private readonly maxLine = MAX_LINE_BYTES,
  ) {}

  push(chunk: string): void {
    let start = 0;
    for (let nl = chunk.indexOf("\n"); nl !== -1; nl = chunk.indexOf("\n", start)) {
      const piece = chunk.slice(start, nl);
      start = nl + 1;
      if (this.overflowing) {
        this.overflowing = false;
        this.pending = "";
        continue;
      }
      const line = this.pending + piece;
      this.pending = "";
      this.emit(line);
    }
    if (start < chunk.length && !this.overflowing) {
      this.pending += chunk.slice(start);
      if (this.pending.length > this.maxLine) {
        this.onOverflow(this.pending.length);
        this.pending = "";
        this.overflowing = true;
      }
    }
  }

  /** Emits a final unterminated line, if any (at end of stream). */
  end(): void {
    if (this.pending && !this.overflowing) this.emit(this.pending);
    this.pending = "";
    this.overflowing = false;
  }

  private emit(line: string): void {
    const trimmed = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (trimmed.length > 0) this.onLine(trimmed);
  }
}

export function serializeJsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
