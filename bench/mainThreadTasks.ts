// The page's main-thread tasks from a Chromium trace (CDP Tracing): the longtask API only
// reports tasks over 50 ms, so it cannot tell a 16 ms goal from a 49 ms task. Each task is a
// RunTask on the renderer's main thread, with its wall time and its own CPU time (on a loaded
// machine the wall time also holds whatever else ran on the core meanwhile).
import type { Page } from "playwright-core";

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

export interface Tasks {
  /** Longest task, wall ms. */
  longest: number;
  /** CPU ms of that task. */
  longestCpu: number;
  /** Most CPU ms any one task took. */
  maxCpu: number;
  /** Tasks over 16 ms of wall time. */
  over16: number;
}

/** Starts tracing the page; the returned function stops and summarizes its busiest renderer. */
export async function traceTasks(page: Page): Promise<() => Promise<Tasks>> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on("Tracing.dataCollected", (e) => {
    // CDP types trace events as string maps; they are JSON objects of this shape.
    events.push(...(e.value as unknown as TraceEvent[]));
  });
  await cdp.send("Tracing.start", { categories: "toplevel", transferMode: "ReportEvents" });
  return async () => {
    // Twice under heavy load a bench run hung somewhere: should it be here, fail, don't hang.
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<void>((resolve, reject) => {
      cdp.once("Tracing.tracingComplete", () => resolve());
      timer = setTimeout(() => reject(new Error("the trace did not complete within 60 s")), 60_000);
    });
    await cdp.send("Tracing.end");
    await done.finally(() => clearTimeout(timer));
    await cdp.detach();
    const mains = new Set(events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}/${e.tid}`));
    const byThread = new Map<string, TraceEvent[]>();
    for (const e of events) {
      const key = `${e.pid}/${e.tid}`;
      if (e.ph !== "X" || e.name !== "ThreadControllerImpl::RunTask" || !mains.has(key)) continue;
      byThread.set(key, [...(byThread.get(key) ?? []), e]);
    }
    // The page under test is the renderer that worked the most.
    const busy = (ts: TraceEvent[]) => ts.reduce((s, e) => s + (e.tdur ?? 0), 0);
    const tasks = [...byThread.values()].sort((a, b) => busy(b) - busy(a))[0] ?? [];
    const top = tasks.reduce<TraceEvent | undefined>((m, e) => (!m || (e.dur ?? 0) > (m.dur ?? 0) ? e : m), undefined);
    return {
      longest: (top?.dur ?? 0) / 1000,
      longestCpu: (top?.tdur ?? 0) / 1000,
      maxCpu: Math.max(0, ...tasks.map((e) => (e.tdur ?? 0) / 1000)),
      over16: tasks.filter((e) => (e.dur ?? 0) > 16_000).length,
    };
  };
}
