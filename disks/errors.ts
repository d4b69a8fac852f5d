/**
 * The one error type the disk layer throws for bad input, missing files and refused
 * operations. Its message is a single line that names the file and the problem.
 */
export class DiskError extends Error {
  /** The image file the problem is about. */
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = "DiskError";
    this.path = path;
  }
}
