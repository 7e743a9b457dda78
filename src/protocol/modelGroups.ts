// How the chat's model picker groups models: pi's own by provider, VS Code's (through the
// language model bridge) as "VS Code: <vendor>" — the bridge's model ids are "<vendor>/<id>".
import type { ModelChoice } from "./types";

/** pi's provider name for VS Code's language models (src/host/lmBridge). */
export const VSCODE_MODELS_PROVIDER = "vscode-lm";

export function modelGroup(model: Pick<ModelChoice, "provider" | "id">): string {
  if (model.provider !== VSCODE_MODELS_PROVIDER) return model.provider;
  const slash = model.id.indexOf("/");
  return slash > 0 ? `VS Code: ${model.id.slice(0, slash)}` : "VS Code";
}

/** The models in picker order: groups in order of first appearance, each group's models as given. */
export function groupModels<M extends Pick<ModelChoice, "provider" | "id">>(models: readonly M[]): Array<{ label: string; models: M[] }> {
  const groups = new Map<string, M[]>();
  for (const m of models) {
    const label = modelGroup(m);
    const group = groups.get(label);
    if (group) group.push(m);
    else groups.set(label, [m]);
  }
  return [...groups].map(([label, members]) => ({ label, models: members }));
}
