/**
 * The selection and scroll position of a list drawn in a fixed number of rows. Some rows may be
 * headings that the selection skips. The scroll follows the selection so it is always visible.
 *
 * @example
 * ```ts
 * const cursor = new ListCursor();
 * cursor.reset([false, true, true], 1); // row 0 is a heading; select row 1
 * cursor.move(+1);                      // row 2
 * const top = cursor.scrollFor(10);     // first row to draw in 10 visible rows
 * ```
 */
export class ListCursor {
  #selectable: readonly boolean[] = [];
  #selected = -1;
  #top = 0;

  /** The selected row, or -1 when no row is selectable. */
  get selected(): number {
    return this.#selected;
  }

  /** Number of rows in the list. */
  get length(): number {
    return this.#selectable.length;
  }

  /** Takes a new list; keeps `prefer` selected when it is selectable, else the nearest selectable row. */
  reset(selectable: readonly boolean[], prefer: number): void {
    this.#selectable = selectable;
    this.#selected = this.#nearest(Math.max(0, Math.min(prefer, selectable.length - 1)));
  }

  /** Moves the selection by `delta` selectable rows, stopping at the ends; returns true if it moved. */
  move(delta: number): boolean {
    if (this.#selected < 0) return false;
    const step = delta > 0 ? 1 : -1;
    let at = this.#selected;
    for (let left = Math.abs(delta); left > 0; left--) {
      let next = at + step;
      while (next >= 0 && next < this.#selectable.length && !this.#selectable[next]) next += step;
      if (next < 0 || next >= this.#selectable.length) break;
      at = next;
    }
    const moved = at !== this.#selected;
    this.#selected = at;
    return moved;
  }

  /** Selects the first (`-1`) or last (`+1`) selectable row. */
  jump(end: -1 | 1): void {
    if (this.#selected < 0) return;
    this.move(end * this.#selectable.length);
  }

  /** The first row to draw so the selection is visible in `visible` rows (remembered between calls). */
  scrollFor(visible: number): number {
    const n = this.#selectable.length;
    if (visible <= 0 || n <= visible) {
      this.#top = 0;
      return 0;
    }
    if (this.#selected >= 0) {
      // A heading just above the selection comes into view with it.
      const want = this.#selected > 0 && !this.#selectable[this.#selected - 1]
        ? this.#selected - 1
        : this.#selected;
      if (want < this.#top) this.#top = want;
      if (this.#selected >= this.#top + visible) this.#top = this.#selected - visible + 1;
    }
    this.#top = Math.max(0, Math.min(this.#top, n - visible));
    return this.#top;
  }

  #nearest(from: number): number {
    for (let d = 0; d < this.#selectable.length; d++) {
      if (this.#selectable[from + d]) return from + d;
      if (this.#selectable[from - d]) return from - d;
    }
    return -1;
  }
}
