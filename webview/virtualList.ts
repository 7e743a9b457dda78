// The geometry of a virtualized list: one height per item (measured once it has been in the
// DOM, estimated until then) and their prefix sums, so "which item is at y" and "where does
// item i start" stay cheap on 10,000-item chats. No DOM here: the Transcript feeds it sizes.

export interface Sized {
  id: string;
  kind: string;
}

/** First guesses per item kind, before anything of that kind has been measured. */
const DEFAULT_ESTIMATE: Record<string, number> = { user: 60, assistant: 110, tool: 90, notice: 50, dialog: 120 };
const FALLBACK_ESTIMATE = 80;

export class HeightIndex {
  private items: readonly Sized[] = [];
  private sizes = new Float64Array(0);
  private measured = new Uint8Array(0);
  /** offsets[i] = top of item i; offsets[n] = total height. Valid below `dirtyFrom`. */
  private offsets = new Float64Array(1);
  private dirtyFrom = 0;
  /** Heights by item id, so a fresh snapshot of the same chat keeps what was measured. */
  private readonly known = new Map<string, number>();
  private readonly perKind = new Map<string, { sum: number; count: number }>();

  get length(): number {
    return this.items.length;
  }

  /**
   * Follows the store's item array: a new array (snapshot) is re-indexed, a longer one (patches
   * append in place) only gets its new tail. Ids never move within one array.
   */
  sync(items: readonly Sized[]): void {
    const n = items.length;
    if (items !== this.items || n < this.sizes.length) {
      this.items = items;
      this.grow(n, 0);
      return;
    }
    if (n > this.sizes.length) this.grow(n, this.sizes.length);
  }

  private grow(n: number, keep: number): void {
    const sizes = new Float64Array(n);
    const measured = new Uint8Array(n);
    sizes.set(this.sizes.subarray(0, keep));
    measured.set(this.measured.subarray(0, keep));
    for (let i = keep; i < n; i++) {
      const item = this.items[i];
      const h = this.known.get(item.id);
      sizes[i] = h ?? this.estimate(item.kind);
      measured[i] = h === undefined ? 0 : 1;
    }
    this.sizes = sizes;
    this.measured = measured;
    this.offsets = new Float64Array(n + 1);
    this.dirtyFrom = 0;
  }

  private estimate(kind: string): number {
    const k = this.perKind.get(kind);
    return k ? k.sum / k.count : DEFAULT_ESTIMATE[kind] ?? FALLBACK_ESTIMATE;
  }

  /** Records a measured height; true when it differs from what the index assumed. */
  set(index: number, height: number): boolean {
    if (index < 0 || index >= this.sizes.length) return false;
    const item = this.items[index];
    this.known.set(item.id, height);
    const wasMeasured = this.measured[index] === 1;
    if (wasMeasured && Math.abs(this.sizes[index] - height) < 0.5) return false;
    if (!wasMeasured) {
      this.measured[index] = 1;
      this.learn(item.kind, height);
    }
    this.sizes[index] = height;
    this.dirtyFrom = Math.min(this.dirtyFrom, index);
    return true;
  }

  /**
   * Averages per kind make better estimates than constants. The unmeasured items are re-guessed
   * only when a kind's sample doubles, so this costs O(n log n) over a whole session.
   */
  private learn(kind: string, height: number): void {
    const k = this.perKind.get(kind) ?? { sum: 0, count: 0 };
    k.sum += height;
    k.count++;
    this.perKind.set(kind, k);
    if ((k.count & (k.count - 1)) !== 0) return;
    const guess = k.sum / k.count;
    for (let i = 0; i < this.sizes.length; i++) {
      if (!this.measured[i] && this.items[i].kind === kind) this.sizes[i] = guess;
    }
    this.dirtyFrom = 0;
  }

  private ensure(): void {
    const n = this.sizes.length;
    if (this.dirtyFrom > n) return;
    for (let i = this.dirtyFrom; i < n; i++) this.offsets[i + 1] = this.offsets[i] + this.sizes[i];
    this.dirtyFrom = n + 1;
  }

  /** Top of item i (i = length gives the total height). */
  top(i: number): number {
    this.ensure();
    return this.offsets[Math.max(0, Math.min(i, this.sizes.length))];
  }

  total(): number {
    return this.top(this.sizes.length);
  }

  /** The item covering y (clamped to the list). */
  indexAt(y: number): number {
    this.ensure();
    const n = this.sizes.length;
    if (n === 0) return 0;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid] <= y) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The list was re-laid out at another width: every height is stale. They stay as estimates
   * (so nothing jumps) and are measured again as items come into view.
   */
  invalidate(): void {
    this.measured.fill(0);
    this.known.clear();
    this.perKind.clear();
  }

  idAt(index: number): string | undefined {
    return this.items[index]?.id;
  }

  /** Index of an item id, trying the last known index first (ids do not move within an array). */
  find(id: string, hint = -1): number {
    if (hint >= 0 && hint < this.items.length && this.items[hint].id === id) return hint;
    return this.items.findIndex((item) => item.id === id);
  }
}
