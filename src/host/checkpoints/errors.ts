// Typed failures of the checkpoint store. Each message is written for the chat: the host shows
// `message` as a notice as it is (what happened, what it means for the user, what still works).

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** git is not installed (or not on PATH): the caller falls back to the guard's file snapshots. */
export class GitMissingError extends CheckpointError {
  constructor(readonly binary: string) {
    super(`git (${binary}) was not found on PATH.`);
  }
}

/** A request named a checkpoint that the store no longer has (pruned, or the store was reset). */
export class CheckpointGoneError extends CheckpointError {
  constructor(
    readonly checkpointId: string,
    readonly reason: string,
  ) {
    super(`The checkpoint ${checkpointId.slice(0, 10)} cannot be used: ${reason}`);
  }
}

/** The store's files are damaged (an object truncated, HEAD removed…). The next checkpoint starts a new store. */
export class StoreDamagedError extends CheckpointError {
  constructor(readonly detail: string) {
    super(`The checkpoint store of this folder is damaged (${detail}). Earlier checkpoints cannot be restored; the next message starts a new store.`);
  }
}

/** A path in a request is outside the workspace folder (absolute elsewhere, `..`, a link out) or inside a `.git`. */
export class PathRejectedError extends CheckpointError {
  constructor(
    readonly requested: string,
    readonly reason: string,
  ) {
    super(`Rejected path ${JSON.stringify(requested)}: ${reason}`);
  }
}

/** A restore stopped part-way (a file it could not write, a full disk): the folder is mixed, Undo puts it back. */
export class RestoreIncompleteError extends CheckpointError {
  constructor(
    readonly detail: string,
    /** The rewind checkpoint taken before the restore began: restoring it is "Undo rewind". */
    readonly undoCheckpointId: string,
  ) {
    super(`The restore stopped part-way (${detail.split("\n")[0]}). Some files are restored and some are not; Undo rewind puts the folder back as it was before.`);
  }
}

/** A request that is malformed (not a checkpoint id, an unknown session…). */
export class BadRequestError extends CheckpointError {}
