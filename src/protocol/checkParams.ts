// Runtime checks of what a view sends, from the action table's schemas. Host side only (it
// compiles validators; the webview never needs them and its CSP forbids eval).
import { Compile, type Validator } from "typebox/compile";
import { ActionError } from "./actionError";
import { ACTIONS, type ActionName, type ActionParams, isActionName } from "./actions";

const validators = new Map<ActionName, Validator>();

function validatorFor(name: ActionName): Validator {
  let v = validators.get(name);
  if (!v) {
    v = Compile(ACTIONS[name].params);
    validators.set(name, v);
  }
  return v;
}

/** The first few schema errors as one readable line. */
function describe(validator: Validator, raw: unknown): string {
  const errors = validator.Errors(raw).slice(0, 3);
  return errors.map((e) => `${e.instancePath || "params"} ${e.message}`).join("; ") || "does not match";
}

/**
 * Checks raw params for an action: the schema, then the action's own check. Absent params
 * (undefined) count as `{}`. Throws ActionError("invalid_params") with a readable reason.
 */
export function checkParams<K extends ActionName>(name: K, raw: unknown): ActionParams<K> {
  if (!isActionName(name)) throw new ActionError("not_available", `Unknown action ${String(name).slice(0, 50)}.`);
  // Absent params are `{}`; a JSON null is a value, and not an object.
  const value = raw === undefined ? {} : raw;
  const validator = validatorFor(name);
  if (!validator.Check(value)) throw new ActionError("invalid_params", `${name}: ${describe(validator, value)}`);
  const params = value as ActionParams<K>;
  const spec = ACTIONS[name] as { check?: (p: ActionParams<K>) => string | undefined };
  const problem = spec.check?.(params);
  if (problem) throw new ActionError("invalid_params", `${name}: ${problem}`);
  return params;
}
