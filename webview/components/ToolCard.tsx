// One tool call: what pi ran and what came of it. bash shows the command, its live output, the
// exit code and duration; read the path and line range with the content folded; write and edit
// the path and the change as a diff. Any other tool shows its arguments and output.
// Everything from pi is rendered as text nodes. Buttons that need the editor (open a file,
// open a diff) appear only when the transport can do that.
import type { JSX } from "preact";
import { memo } from "../memo";
import { useState } from "preact/hooks";
import type { ToolDetails, ToolItem } from "../../src/protocol/transcript";
import type { IconName } from "../iconNames";
import { lazyComponent } from "../lazy";
import { durationText, lineRangeText } from "../toolCardText";
import { type ChatTransport, failureOf } from "../transport";
import { Icon } from "./Icon";

const LONG_OUTPUT = 2000;

function Output({ text, error }: { text: string; error?: boolean }) {
  const [expanded, setExpanded] = useState(false);
  const long = text.length > LONG_OUTPUT;
  return (
    <>
      <pre class={`tool-output${error ? " error-output" : ""}`}>{long && !expanded ? text.slice(-LONG_OUTPUT) : text}</pre>
      {long ? (
        <button type="button" class="link" onClick={() => setExpanded(!expanded)}>
          {expanded ? "Show less" : `Show all ${text.length} characters`}
        </button>
      ) : null}
    </>
  );
}

function Args({ args }: { args: string }) {
  return (
    <details class="tool-args">
      <summary>
        <Icon name="chevron-right" />
        arguments
      </summary>
      <pre>{args}</pre>
    </details>
  );
}

function PathLink({ path, open }: { path: string; open?: (path: string) => void }) {
  return open ? (
    <button type="button" class="link tool-path" data-testid="tool-path" title={`Open ${path}`} onClick={() => open(path)}>
      {path}
    </button>
  ) : (
    <code class="tool-path" data-testid="tool-path">{path}</code>
  );
}

// The diff view loads on demand: a chat shows one only after pi writes or edits a file.
const DiffView = lazyComponent(() => import("./DiffView").then((m) => m.DiffView));

interface BodyProps {
  item: ToolItem;
  details: ToolDetails;
  openFile?: (path: string) => void;
  openDiff?: () => void;
}

function BashBody({ item, details }: BodyProps) {
  return (
    <>
      <pre class="tool-command">{`$ ${details.command ?? ""}`}</pre>
      {item.output ? <Output text={item.output} error={item.status === "error"} /> : null}
    </>
  );
}

function ReadBody({ item, details, openFile }: BodyProps) {
  const range = lineRangeText(details.offset, details.limit);
  return (
    <>
      <div class="tool-target">
        {details.path !== undefined ? <PathLink path={details.path} open={openFile} /> : null}
        {range ? <span class="meta tool-range">{range}</span> : null}
      </div>
      {item.status === "error" ? (
        <Output text={item.output} error />
      ) : item.output ? (
        <details class="tool-content">
          <summary>
            <Icon name="chevron-right" />
            content
          </summary>
          <Output text={item.output} />
        </details>
      ) : null}
    </>
  );
}

function ChangeBody({ item, details, openFile, openDiff }: BodyProps) {
  return (
    <>
      <div class="tool-target">
        {details.path !== undefined ? <PathLink path={details.path} open={openFile} /> : null}
        {openDiff && details.snapshot && item.status === "done" ? (
          <button type="button" class="secondary small" data-testid="open-diff" title="Open the change in VS Code's diff editor" onClick={openDiff}>
            <Icon name="link-external" /> Open diff
          </button>
        ) : null}
      </div>
      {details.diff ? <DiffView diff={details.diff} truncated={details.diffTruncated} /> : null}
      {item.status === "error" ? <Output text={item.output} error /> : null}
      {/* Without a diff (still running, or from before snapshots), the arguments still say what was written. */}
      {!details.diff && item.status !== "error" ? <Args args={item.args} /> : null}
    </>
  );
}

const BODIES: Record<string, (props: BodyProps) => JSX.Element> = {
  bash: BashBody,
  read: ReadBody,
  write: ChangeBody,
  edit: ChangeBody,
};

function Badges({ item }: { item: ToolItem }) {
  const d = item.details;
  return (
    <>
      {d?.exitCode !== undefined ? (
        <span class={`badge exit-code ${d.exitCode === 0 ? "ok" : "failed"}`} data-testid="exit-code" title="exit code">
          exit {d.exitCode}
        </span>
      ) : null}
      {d?.durationMs !== undefined ? (
        <span class="badge duration" data-testid="duration" title="duration">
          {durationText(d.durationMs)}
        </span>
      ) : null}
    </>
  );
}

const STATUS_ICON: Record<ToolItem["status"], { icon: IconName; spin?: boolean; word: string }> = {
  running: { icon: "loading", spin: true, word: "running…" },
  done: { icon: "check", word: "done" },
  error: { icon: "error", word: "failed" },
};

/** The card's one-line summary: what was run or touched. */
function targetOf(item: ToolItem): string {
  const d = item.details;
  if (d?.command !== undefined) return d.command;
  return d?.path ?? "";
}

/**
 * Open unless it is a finished bash or other tool: running output and failures are news, a
 * change's diff is what you review, a read's content is folded inside anyway.
 */
function openByDefault(item: ToolItem): boolean {
  return item.status !== "done" || item.name === "write" || item.name === "edit" || item.name === "read";
}

let nextBodyId = 0;

export const ToolCard = memo(({ item, transport }: { item: ToolItem; transport?: ChatTransport }) => {
  const [actionError, setActionError] = useState("");
  // Undefined until the user toggles: the card follows its status until then.
  const [chosen, setChosen] = useState<boolean | undefined>();
  const [bodyId] = useState(() => `tool-body-${nextBodyId++}`);
  const open = chosen ?? openByDefault(item);
  const run = (action: Promise<unknown>) => void failureOf(action).then(setActionError);
  const openFile = transport?.can("openFile") ? (path: string) => run(transport.call("openFile", { path })) : undefined;
  const openDiff = transport?.can("openDiff") ? () => run(transport.call("openDiff", { toolCallId: item.id })) : undefined;
  const Body = item.details ? BODIES[item.name] : undefined;
  const look = STATUS_ICON[item.status] ?? STATUS_ICON.error;
  const target = targetOf(item);
  return (
    <div class={`tool ${item.status}${open ? " open" : ""}`} data-testid="tool-card" data-status={item.status} data-tool={item.name}>
      <div class="tool-head">
        <button type="button" class="tool-toggle" aria-expanded={open} aria-controls={bodyId} title={open ? "Hide details" : "Show details"} onClick={() => setChosen(!open)}>
          <Icon name={open ? "chevron-down" : "chevron-right"} />
          <span class="tool-icon">
            <Icon name={look.icon} spin={look.spin} />
          </span>
          <span class="tool-name">{item.name}</span>
          {target ? <span class="tool-summary">{target}</span> : null}
        </button>
        <span class="tool-badges">
          <Badges item={item} />
          <span class={`tool-status${item.status === "done" ? " sr-only" : ""}`} title={`status: ${item.status}`}>
            {look.word}
          </span>
        </span>
      </div>
      <div class="tool-body" id={bodyId} hidden={!open}>
        {Body && item.details ? (
          <Body item={item} details={item.details} openFile={openFile} openDiff={openDiff} />
        ) : (
          <>
            <Args args={item.args} />
            {item.output ? <Output text={item.output} error={item.status === "error"} /> : null}
          </>
        )}
      </div>
      {actionError ? (
        <div class="error-text" role="alert">
          {actionError}
        </div>
      ) : null}
    </div>
  );
});
