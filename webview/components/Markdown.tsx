// An answer's text: markdown, split into blocks so a streaming message re-renders only its
// last block (markdownBlocks.ts). Huge text never costs more than a frame at once:
//  - a streaming block past PLAIN_WHILE_STREAMING, or with an unbroken run of LIVE_RUN, is
//    shown as plain text in chunks of their own (plainChunks), so each delta re-lays out one
//    small chunk instead of the whole block;
//  - a finished block that big is formatted when the page is idle, plain until then;
//  - a block holding an unbroken run (base64, minified code, a 50,000-letter "word") stays
//    plain: a browser lays such a run out in one piece, and there is nothing to format in it.
// Code blocks whose highlighter is still loading render plain, then again once it is in.
import { memo } from "../memo";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { whenLoaded } from "../highlight";
import { onIdle } from "../idle";
import { renderMarkdown } from "../markdown";
import { hasRun, LIVE_RUN, LONG_RUN, plainChunks, splitMarkdownBlocks } from "../markdownBlocks";

/** Past this size a block still streaming is shown as text: re-parsing it every frame would stall. */
const PLAIN_WHILE_STREAMING = 12_000;
/** A finished block this big waits for an idle moment to be formatted. */
const FORMAT_WHEN_IDLE = 12_000;

const Chunk = memo(({ text }: { text: string }) => <div>{text}</div>);

/** Chunks a block shows in its first frame: the rest come a frame later. */
const FIRST_CHUNKS = 1;

/**
 * Plain text in chunks; only the last one changes while text streams in. Chunks after the
 * first skip layout while off-screen (content-visibility in chat.css): laying out 50,000
 * letters of one word at once took ~50 ms. Until laid out, each stands in at the first
 * chunk's height (`--chunk-h`, measured here before the transcript measures the item), so
 * the item's height is right from the start for a run of like characters. A finished block
 * (from a snapshot, or scrolled to) shows its first chunk at once and the others once that
 * frame is painted, so the two never share one task; a streaming one shows all it has (its
 * text was on screen already, as markdown, a frame before).
 */
function PlainText({ text, live }: { text: string; live: boolean }) {
  const chunks = plainChunks(text);
  const [all, setAll] = useState(live || chunks.length <= FIRST_CHUNKS);
  const ref = useRef<HTMLDivElement>(null);
  // After a frame has been painted with the first chunk (an effect alone may run before that
  // frame, when it is slow to come).
  useEffect(() => {
    if (all) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setAll(true));
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [all]);
  useLayoutEffect(() => {
    const first = ref.current?.firstElementChild;
    if (!ref.current || !(first instanceof HTMLElement) || chunks.length < 3) return;
    const h = first.getBoundingClientRect().height;
    if (h > 0 && ref.current.style.getPropertyValue("--chunk-h") !== `${h}px`) ref.current.style.setProperty("--chunk-h", `${h}px`);
  });
  return (
    <div class="md-plain" ref={ref}>
      {(all ? chunks : chunks.slice(0, FIRST_CHUNKS)).map((chunk, i) => (
        <Chunk key={i} text={chunk} />
      ))}
    </div>
  );
}

// Each block is rendered once and kept while later blocks stream in.
const MarkdownBlock = memo(({ text }: { text: string }) => {
  const [loaded, setLoaded] = useState(0);
  const out = useMemo(() => renderMarkdown(text), [text, loaded]);
  useEffect(() => (out.waiting.size ? whenLoaded(out.waiting, () => setLoaded((n) => n + 1)) : undefined), [out]);
  return <div class="md-block">{out.nodes}</div>;
});

/**
 * A block too big to format every frame: plain (in chunks) while it streams, formatted once
 * it is finished and the page has a moment — unless it holds an unbroken run, which stays
 * plain. One component for all three, so finishing keeps the chunks already in the DOM.
 */
const BigBlock = memo(({ text, live }: { text: string; live: boolean }) => {
  const plainOnly = useMemo(() => hasRun(text, LONG_RUN), [text]);
  const [formatted, setFormatted] = useState<string | undefined>();
  useEffect(() => (live || plainOnly ? undefined : onIdle(() => setFormatted(text))), [text, live, plainOnly]);
  return formatted === text ? <MarkdownBlock text={text} /> : <PlainText text={text} live={live} />;
});

export function Markdown({ text, streaming }: { text: string; streaming: boolean }) {
  const blocks = useMemo(() => splitMarkdownBlocks(text), [text]);
  return (
    <div class="markdown">
      {blocks.map((block, i) => {
        const live = streaming && i === blocks.length - 1;
        const big = live ? block.length > PLAIN_WHILE_STREAMING || hasRun(block, LIVE_RUN) : block.length > FORMAT_WHEN_IDLE || hasRun(block, LONG_RUN);
        return big ? <BigBlock key={i} text={block} live={live} /> : <MarkdownBlock key={i} text={block} />;
      })}
    </div>
  );
}
