// An axe-core audit of a page or a frame (a VS Code webview's inner frame): no serious or
// critical violation may remain; the lesser ones are printed for the log. axe's source goes in
// through the DevTools protocol (evaluate), which the page's CSP does not govern: the page under
// test keeps its real policy.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import type { Frame, Page } from "playwright-core";

const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

export async function auditAccessibility(target: Page | Frame, label: string): Promise<AxeViolation[]> {
  await target.evaluate(`${AXE_SOURCE}\n;undefined`);
  const violations = (await target.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  })) as AxeViolation[];
  const line = (v: AxeViolation) => `${v.impact ?? "?"} ${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(" ")})`;
  const severe = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const lesser = violations.filter((v) => !severe.includes(v));
  console.log(`      axe ${label}: ${severe.length} serious/critical, ${lesser.length} lesser${lesser.length ? `:\n${lesser.map((v) => `        - ${line(v)}`).join("\n")}` : ""}`);
  assert.deepEqual(
    severe.map((v) => `${line(v)}\n${v.nodes.map((n) => `    ${n.target.join(" ")}: ${n.failureSummary ?? ""}`).join("\n")}`),
    [],
    `axe found serious or critical violations in ${label}`,
  );
  return violations;
}
