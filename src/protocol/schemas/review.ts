// Parameters and results of the review actions (issue 10): a turn's changes, a file's diff
// since a checkpoint, Keep / Revert of a hunk, a file or a whole turn, rewind and its undo, and
// the before/after of an edit proposal. Paths are workspace-relative with `/` separators; the
// host checks every one (inside the folder, not through a link out, never in a `.git`).
import { Type } from "typebox";
import { Id, Obj, PathString, Str } from "./common";

/** A turn is named by the checkpoint taken before it (a git object name, or `fs-…` without git). */
export const TurnId = Str(200, 1);
/** A hunk's id from computeHunks (content-derived, so it no longer exists once the lines changed). */
export const HunkId = Str(100, 1);

export const FileChangeSchema = Type.Object({
  path: Type.String(),
  status: Type.Enum(["added", "modified", "deleted"]),
  additions: Type.Number(),
  deletions: Type.Number(),
  binary: Type.Boolean(),
});

export const ChangeSummarySchema = Type.Object({
  files: Type.Number(),
  additions: Type.Number(),
  deletions: Type.Number(),
  /** "3 files changed, +12 −4" */
  text: Type.String(),
});

export const SessionChangesResult = Obj({
  files: Type.Array(FileChangeSchema),
  summary: ChangeSummarySchema,
  /** The turn the list starts at (the session's first checkpoint); absent when there is none yet. */
  turnId: Type.Optional(Type.String()),
});

export const TurnFileParams = Obj({ turnId: TurnId, path: PathString });
export const TurnParams = Obj({ turnId: TurnId });
export const HunkParams = Obj({ turnId: TurnId, path: PathString, hunkId: HunkId });
/** `overwrite`: the user saw that the file changed outside pi since the checkpoint and reverts it anyway. */
export const RevertFileParams = Obj({ turnId: TurnId, path: PathString, overwrite: Type.Optional(Type.Boolean()) });
export const RevertTurnParams = Obj({ turnId: TurnId, overwrite: Type.Optional(Type.Boolean()) });

/** One place where a file differs from its base, with a few unchanged lines around it. */
export const DiffHunkSchema = Type.Object({
  id: Type.String(),
  /** 1-based first line of the hunk in the base and in the current text. */
  baseLine: Type.Number(),
  currentLine: Type.Number(),
  removed: Type.Array(Type.String()),
  added: Type.Array(Type.String()),
  /** Unchanged lines just before and after (context). */
  before: Type.Array(Type.String()),
  after: Type.Array(Type.String()),
});

/** Why a side has no text: the file did not exist, is binary, too large, or could not be shown. */
export const DiffSideState = Type.Enum(["text", "absent", "binary", "tooLarge", "unavailable"]);

export const FileDiffResult = Obj({
  path: Type.String(),
  base: DiffSideState,
  current: DiffSideState,
  hunks: Type.Array(DiffHunkSchema),
});

/** What a Revert / Keep did; `conflict` is never here: a conflict is a refusal with its reason. */
export const ReviewResult = Obj({
  /** Files reverted or kept. */
  files: Type.Array(Type.String()),
  /** Files left alone, with the reason (changed outside pi, unsaved edits, binary…). */
  skipped: Type.Array(
    Type.Object({
      path: Type.String(),
      reason: Type.String(),
      /** Left alone because it changed outside pi since the checkpoint: `overwrite` reverts it anyway. */
      userEdit: Type.Optional(Type.Boolean()),
    }),
  ),
});

export const EntryParams = Obj({ entryId: Id });

export const KeptFileSchema = Type.Object({ path: Type.String(), reason: Type.String() });

export const RewindPreviewResult = Obj({
  /** Files: what a restore to the checkpoint before that message would do, or why it cannot. */
  files: Type.Union([
    Type.Object({
      available: Type.Literal(true),
      write: Type.Array(Type.String()),
      delete: Type.Array(Type.String()),
      keep: Type.Array(KeptFileSchema),
      /** Changed outside pi since then (the user's own edits, unsaved editors): ask before overwriting. */
      userEdits: Type.Array(Type.String()),
    }),
    Type.Object({ available: Type.Literal(false), reason: Type.String() }),
  ]),
  /** The message's text (the conversation forks there). */
  text: Type.String(),
  /** pi is working: a rewind must stop the run first. */
  working: Type.Boolean(),
});

export const RewindParams = Obj({
  entryId: Id,
  mode: Type.Enum(["files", "conversation", "both"]),
  /** The user saw the list of their own edits and agreed to overwrite them. */
  overwrite: Type.Optional(Type.Boolean()),
  /** Stop pi's current run first (otherwise a rewind while pi works is refused). */
  stop: Type.Optional(Type.Boolean()),
});

export const RewindResult = Obj({
  /** Restoring this undoes the file part ("Undo rewind"); absent when files were not touched. */
  undoId: Type.Optional(Type.String()),
  restored: Type.Array(Type.String()),
  deleted: Type.Array(Type.String()),
  kept: Type.Array(KeptFileSchema),
  /** The forked message's text, for the composer (conversation and both). */
  text: Type.Optional(Type.String()),
});

export const UndoRewindParams = Obj({ undoId: TurnId, overwrite: Type.Optional(Type.Boolean()) });
export const UndoRewindResult = Obj({
  restored: Type.Array(Type.String()),
  deleted: Type.Array(Type.String()),
  kept: Type.Array(KeptFileSchema),
});

export const DialogIdParams = Obj({ dialogId: Str(200, 1) });

/** One side of an edit proposal, as the guard stored it (shown only if it matches the hash pi sent). */
export const ProposalSideSchema = Type.Object({ state: DiffSideState, text: Type.Optional(Type.String()) });

export const EditProposalResult = Obj({
  display: Type.String(),
  verb: Type.Enum(["edit", "write", "create"]),
  canAcceptAll: Type.Boolean(),
  sensitive: Type.Optional(Type.String()),
  before: ProposalSideSchema,
  after: ProposalSideSchema,
  /** The change as hunks (empty when a side cannot be shown). */
  hunks: Type.Array(DiffHunkSchema),
});
