// When the answer to a message has begun: its first streamed piece (text, thinking or the start
// of a tool call), a tool starting, or the run ending; or, when pi shows nothing for a while, a
// moment after the message. The checkpoint before a message waits for it while the guard holds
// pi's tools: its git processes then do not compete with the answer's first words on their way
// to the view (on 2 cores they delayed them by ~65 ms). Nothing can change the folder meanwhile
// but you, and the checkpoint then keeps your change. Each run's first streamed piece is also
// reported (the Pi log says when it came; bench/chatStart.ts reads it).
import type { PiEvent } from "../../pi/rpcTypes";

/** pi showed nothing this long after the message: start anyway (nothing on screen to compete with). */
export const ANSWER_WAIT_MS = 250;
/** After the first piece: time for its batch to leave the host before git's spawns block it. */
export const AFTER_FIRST_PIECE_MS = 30;

export type AnswerBegan = "first piece" | "waited";

export class AnswerStart {
  private pending: ((why: AnswerBegan) => void) | undefined;
  /** This run's first streamed piece has come. */
  private pieceSeen = false;

  constructor(private readonly onFirstPiece: () => void = () => {}) {}

  /** Resolves once the next answer has begun (call before the message goes to pi). */
  next(waitMs = ANSWER_WAIT_MS, afterPieceMs = AFTER_FIRST_PIECE_MS): Promise<AnswerBegan> {
    this.settle("waited");
    return new Promise((resolve) => {
      const timer = setTimeout(() => done("waited"), waitMs);
      const done = (why: AnswerBegan) => {
        clearTimeout(timer);
        if (this.pending === done) this.pending = undefined;
        if (why === "first piece") setTimeout(() => resolve(why), afterPieceMs);
        else resolve(why);
      };
      this.pending = done;
    });
  }

  onEvent(event: PiEvent): void {
    // message_update is an assistant's streamed piece (pi sends none for other messages).
    if (event.type === "agent_start") this.pieceSeen = false;
    else if (event.type === "message_update" && !this.pieceSeen) {
      this.pieceSeen = true;
      this.onFirstPiece();
    }
    const begun = event.type === "message_update" || event.type === "tool_execution_start" || event.type === "agent_end";
    if (begun) this.settle("first piece");
  }

  /** pi exited or refused the message: nothing is coming. */
  settle(why: AnswerBegan = "waited"): void {
    this.pending?.(why);
  }
}
