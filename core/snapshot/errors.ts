/** Errors the snapshot code reports: one line naming the file (or snapshot) and the problem. */

/** A snapshot file, index or state directory problem. */
export class SnapshotError extends Error {
  /** The file or snapshot the problem is about. */
  readonly subject: string;

  constructor(subject: string, problem: string) {
    super(`${subject}: ${problem}`);
    this.name = "SnapshotError";
    this.subject = subject;
  }
}

/** The message of any thrown value, on one line. */
export function describeError(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\s*\n\s*/g, " ");
}
