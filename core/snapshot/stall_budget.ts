/**
 * Bounds one slice of background work (saving or restoring pages) so the emulation loop
 * is never held up for long: the work is done in small units (one page, ~30 µs), the
 * clock is read once per unit, and the slice ends as soon as the next unit would likely
 * cross the deadline (its cost estimated as a decaying maximum of recent units). A slice
 * therefore lasts at most `budgetMs` plus one unit that costs more than the estimate; with
 * the default budget of 0.5 ms and units of tens of µs that stays well under 1 ms, unless
 * the host itself stops the process (GC, preemption), which the benchmark reports as is.
 */

/** Default time budget of one pump, in ms (half the 1 ms stall limit: room for one slow unit). */
export const DEFAULT_PUMP_BUDGET_MS = 0.5;

/** A monotonic clock in ms (performance.now by default; tests pass a fake one). */
export type Clock = () => number;

const DEFAULT_CLOCK: Clock = () => performance.now();

/** The deadline of the current slice and the running estimate of one unit's cost. */
export class StallBudget {
  readonly #now: Clock;
  #unitMs: number;
  #deadline = 0;
  #last = 0;

  constructor(now: Clock = DEFAULT_CLOCK, initialUnitMs = 0.05) {
    this.#now = now;
    this.#unitMs = initialUnitMs;
  }

  /** Estimated cost of one unit, in ms. */
  get unitMs(): number {
    return this.#unitMs;
  }

  /** Starts a slice of at most about `budgetMs` (callers always do at least one unit: progress). */
  begin(budgetMs: number): void {
    this.#last = this.#now();
    this.#deadline = this.#last + budgetMs;
  }

  /** Records that one unit was just done; true when another one is expected to fit. */
  next(): boolean {
    const t = this.#now();
    const took = t - this.#last;
    this.#last = t;
    this.#unitMs = Math.max(took, this.#unitMs * 0.9);
    return t + this.#unitMs < this.#deadline;
  }
}
