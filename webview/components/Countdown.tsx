// A countdown to a moment (an automatic retry, a dialog's timeout), ticking once a second.
import { useEffect, useState } from "preact/hooks";

/** "in 4 s" until `until`, then nothing: a retry's countdown, ticking once a second. */
export function Countdown({ until }: { until: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (now >= until) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.min(1000, until - now));
    return () => clearTimeout(timer);
  }, [now, until]);
  const left = Math.ceil((until - now) / 1000);
  return left > 0 ? <span data-testid="countdown"> in {left} s</span> : <span data-testid="countdown"> now</span>;
}
