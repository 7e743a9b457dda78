// Small schema builders every action uses. Objects are closed (additionalProperties: false):
// a view is untrusted input, and a field nobody reads is a field nobody checks.
import { type TProperties, Type } from "typebox";

/** A closed object: unknown fields are refused, not ignored. */
export function Obj<P extends TProperties>(properties: P, description?: string) {
  return Type.Object(properties, { additionalProperties: false, description });
}

/** A string of at most `max` characters (and at least `min`). */
export function Str(max: number, min = 0) {
  return Type.String({ maxLength: max, minLength: min });
}

/** An identifier-like string: ids, provider and model names, levels. */
export const Id = Str(500, 1);

/** Longest path a view may name (Linux's PATH_MAX). */
export const MAX_PATH_CHARS = 4096;
/** A path as a tool was given it or a view names it; no NUL (it would cut the path short in system calls). */
export const PathString = Type.String({ minLength: 1, maxLength: MAX_PATH_CHARS, pattern: "^[^\\u0000]*$" });

/** The answer of an action that only reports success. */
export const Empty = Obj({});
