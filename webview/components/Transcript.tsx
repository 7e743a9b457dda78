// The conversation, virtualized: only the items in and near the view are in the DOM, between
// two spacers standing in for the rest (TranscriptScroller decides which and where to scroll).
// Follows the end while the user is there; scrolled up, a button jumps back to the latest.
import type { JSX } from "preact";
import { useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ChatItem, ChatStatus } from "../../src/protocol/transcript";
import { TranscriptScroller } from "../transcriptScroller";
import type { ChatTransport } from "../transport";
import { ChangesCard } from "./ChangesCard";
import { type AnswerDialog, DialogCard } from "./DialogCard";
import { EditProposalCard } from "./EditProposal";
import { Icon } from "./Icon";
import { AssistantMessage, Notice, ToolCard } from "./Items";
import { RewindNotice, UserTurn } from "./RewindMenu";

// Styles go through the CSSOM (allowed by the webview CSP, unlike style attributes in markup).
// flow-root keeps each item's margins inside its wrapper, so a measured height is the space it takes.
const ITEM_STYLE = { display: "flow-root" };
// Chromium's own scroll anchoring keeps the view still as items above get measured, and unlike
// a scrollTop write it does not cancel a smooth (keyboard) scroll; the scroller's own correction
// is then a no-op, and covers browsers without it. Spacers must never be the anchor.
const SPACER_STYLE = { overflowAnchor: "none" };
// A zero-height strip under the transcript; the button floats up over its bottom edge.
const JUMP_STRIP_STYLE = { position: "relative", height: "0", flex: "none" };
const JUMP_STYLE = { position: "absolute", right: "16px", bottom: "10px", zIndex: "1" };

function Item({ item, status, transport, answer }: { item: ChatItem; status: ChatStatus; transport: ChatTransport; answer: AnswerDialog }) {
  switch (item.kind) {
    case "user":
      return <UserTurn item={item} status={status} transport={transport} />;
    case "assistant":
      return <AssistantMessage item={item} />;
    case "tool":
      return <ToolCard item={item} transport={transport} />;
    case "dialog":
      return item.proposal ? <EditProposalCard item={item} transport={transport} /> : <DialogCard item={item} answer={answer} />;
    case "notice":
      if (item.undoRewind) return <RewindNotice item={item} transport={transport} />;
      return <Notice item={item} transport={transport} canRestart={status === "crashed" || status === "error" || status === "stopped"} />;
    case "changes":
      return <ChangesCard item={item} transport={transport} />;
  }
}

export function Transcript({ items, status, transport }: { items: ChatItem[]; status: ChatStatus; transport: ChatTransport; version: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const before = useRef<HTMLDivElement>(null);
  const after = useRef<HTMLDivElement>(null);
  const [, setTick] = useState(0);
  const [ctl] = useState(
    () =>
      new TranscriptScroller(
        {
          rerender: () => setTick((t) => t + 1),
          followChanged: (follow) => setFollowing(follow),
          save: (position) => transport.saveScroll(position),
        },
        transport.loadScroll(),
      ),
  );
  const [following, setFollowing] = useState(ctl.follow);
  // One function per transport, so the memoized cards do not re-render for a new one each time.
  const answer = useMemo<AnswerDialog>(() => (params) => transport.call("answerDialog", params), [transport]);

  useLayoutEffect(() => {
    if (ref.current && before.current && after.current) return ctl.attach(ref.current, before.current, after.current);
  }, [ctl]);
  // Every render (a patch, a new window) is measured and put in place before the browser paints.
  useLayoutEffect(() => ctl.afterRender());

  const { start, end } = ctl.beginRender(items);
  const shown: JSX.Element[] = [];
  for (let i = start; i < end; i++) {
    const item = items[i];
    shown.push(
      <div key={item.id} data-id={item.id} data-index={i} style={ITEM_STYLE}>
        <Item item={item} status={status} transport={transport} answer={answer} />
      </div>,
    );
  }

  return (
    <>
      {/* Scrolled up, items mount because the user scrolls to them: not news to announce. */}
      {/* Focusable so the keyboard can scroll it (Home/End/PageUp): a scrollable region must be (WCAG 2.1.1). */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: see above */}
      <div class="transcript" ref={ref} role="log" aria-live={following ? "polite" : "off"} aria-label="Conversation" tabIndex={0} data-testid="transcript">
        <div ref={before} aria-hidden="true" style={SPACER_STYLE} />
        {shown}
        <div ref={after} aria-hidden="true" style={SPACER_STYLE} />
      </div>
      {following ? null : (
        <div style={JUMP_STRIP_STYLE}>
          <button type="button" class="jump-latest" data-testid="jump-latest" style={JUMP_STYLE} onClick={() => ctl.jumpToLatest()}>
            <Icon name="arrow-down" />
            Jump to latest
          </button>
        </div>
      )}
    </>
  );
}
