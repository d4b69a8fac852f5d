/**
 * Background work run from a pump, in bounded units, instead of in promise callbacks: a promise
 * callback runs on the emulation loop's thread between two slices just as a pump does, but nothing
 * bounds it, so work done there (reading and verifying a snapshot file, decoding its memories,
 * opening a disk chain) stalled the guest for several ms at a time. A job is a generator that
 * yields after every unit ({@link UNIT}, {@link LAYER}: a few hundred µs at most) and yields a
 * promise where it waits for I/O or a worker; {@link StepJob.pump} runs units until its
 * {@link StallBudget} says the next one would not fit, and the promise's only callback records
 * its outcome (the job goes on in a later pump).
 *
 * @example
 * ```ts
 * const job = new StepJob(steps()); // steps(): Generator<JobStep, T, unknown>
 * // between slices:
 * job.pump(0.5);
 * const value = await job.promise;
 * ```
 */
import { StallBudget } from "./stall_budget.ts";

/** Yielded after a bounded unit of work (a few hundred µs at most). */
export const UNIT = "unit";
/** Yielded after opening one disk chain layer (a unit; {@link prepareDisks} budgets turns by these). */
export const LAYER = "layer";
/**
 * Yielded before a unit that makes synchronous file calls (opening a layer: realpath, stat, open,
 * a few small reads): {@link StepJob} runs that unit alone in a macrotask of its own, not in a pump
 * (a pump makes no synchronous reads or syncs; tests/snapshot/pump_steps_test.ts).
 */
export const IO = "io";
/**
 * Yielded before a unit that costs more than most (verifying and indexing a snapshot file, decoding
 * the device state: a few hundred µs of code that runs once per restore): {@link StepJob} starts it
 * in a pump of its own rather than after other units, so that a pump stays within its budget.
 */
export const HEAVY = "heavy";
/**
 * What a step-wise job yields: {@link UNIT}, {@link LAYER}, {@link IO}, {@link HEAVY}, or a promise
 * it waits for (file I/O, the worker): the driver resumes it with the promise's value, or throws
 * its error into it.
 */
export type JobStep = typeof UNIT | typeof LAYER | typeof IO | typeof HEAVY | Promise<unknown>;

/** A step-wise job driven by {@link pump}; {@link promise} settles with its result. */
export class StepJob<T> {
  readonly promise: Promise<T>;
  readonly #steps: Generator<JobStep, T, unknown>;
  readonly #resolve: (value: T) => void;
  readonly #reject: (e: unknown) => void;
  readonly #budget = new StallBudget(undefined, 0.05);
  #waiting = false;
  /** The next unit makes file calls: it runs in a macrotask of its own, not in a pump. */
  #io = false;
  #input: unknown = undefined;
  #failure: { error: unknown } | null = null;
  #cancel: { error: unknown } | null = null;
  #cancelThrown = false;
  #done = false;
  /** The result once done without failing (read synchronously: no callback needed). */
  value: T | undefined = undefined;
  /** Why it failed, once done (null: it did not). */
  error: unknown = null;

  constructor(steps: Generator<JobStep, T, unknown>) {
    this.#steps = steps;
    const { promise, resolve, reject } = Promise.withResolvers<T>();
    this.promise = promise;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** True once the job returned or threw. */
  get done(): boolean {
    return this.#done;
  }

  /** True while it waits for a promise or its next unit runs outside pumps (a pump has nothing to do for it). */
  get waiting(): boolean {
    return this.#waiting || this.#io;
  }

  /**
   * Makes the job fail with `error` at its next step (thrown into it: its own `catch` blocks clean
   * up, waiting for what they must). A job not started yet ends at once.
   */
  cancel(error: unknown): void {
    if (!this.#done && this.#cancel === null) this.#cancel = { error };
  }

  /**
   * Runs units for about `budgetMs` (at least one unless waiting). True when it did something.
   */
  pump(budgetMs: number): boolean {
    if (this.#done || this.#waiting || this.#io) return false;
    this.#budget.begin(budgetMs);
    return this.#run(false);
  }

  /** A {@link HEAVY} unit is next: it starts the next pump (not run after other units). */
  #heavyNext = false;

  /** Runs units (one only when `single`) while the budget allows; true when it did something. */
  #run(single: boolean): boolean {
    const budget = this.#budget;
    for (let units = 0;; units++) {
      if (this.#heavyNext) {
        if (units > 0) return true;
        this.#heavyNext = false;
      }
      let r: IteratorResult<JobStep, T>;
      try {
        const cancel = this.#cancel, failure = this.#failure;
        if (failure !== null) {
          this.#failure = null;
          r = this.#steps.throw(failure.error);
        } else if (cancel !== null && !this.#cancelThrown) {
          this.#cancelThrown = true;
          this.#take();
          r = this.#steps.throw(cancel.error);
        } else {
          r = this.#steps.next(this.#take());
        }
      } catch (e) {
        this.#done = true;
        this.error = e ?? new Error("background job failed");
        this.#reject(this.error);
        return true;
      }
      if (r.done) {
        this.#done = true;
        this.value = r.value;
        this.#resolve(r.value);
        return true;
      }
      const step = r.value;
      if (step === IO) {
        // The next unit alone, in a macrotask (a timer) of its own.
        this.#io = true;
        setTimeout(() => {
          this.#io = false;
          this.#run(true);
        }, 0);
        return true;
      }
      if (step === HEAVY) {
        this.#heavyNext = true;
        units--; // a marker, not a unit
        continue;
      }
      if (step !== UNIT && step !== LAYER) {
        this.#waiting = true;
        step.then((v) => {
          this.#input = v;
          this.#waiting = false;
        }, (e) => {
          this.#failure = { error: e };
          this.#waiting = false;
        });
        return true;
      }
      if (single || !budget.next()) return true;
    }
  }

  #take(): unknown {
    const v = this.#input;
    this.#input = undefined;
    return v;
  }
}
