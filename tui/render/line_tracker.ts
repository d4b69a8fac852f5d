/**
 * Finds which lines of an indexed-colour picture changed since the renderer last
 * looked, by comparing with its own copy. Renderers do not rely on the frame's
 * `changedLines` alone: a frame the pacer took but never rendered would lose them.
 *
 * @example
 * ```ts
 * const tracker = new LineTracker();
 * const changed = tracker.update(frame.pixels, frame.width, frame.height); // 1 per changed line
 * ```
 */
export class LineTracker {
  #copy = new Uint8Array(0);
  #changed = new Uint8Array(0);
  #width = 0;
  #height = 0;

  /** Forgets the copy: the next {@link update} reports every line as changed. */
  reset(): void {
    this.#width = 0;
    this.#height = 0;
  }

  /**
   * Compares `pixels` with the copy, updates the copy, and returns one flag per
   * line (non-zero = changed). The returned array is reused by the next call.
   */
  update(pixels: Uint8Array, width: number, height: number): Uint8Array {
    const n = width * height;
    if (width !== this.#width || height !== this.#height) {
      if (this.#copy.length < n) this.#copy = new Uint8Array(n);
      if (this.#changed.length < height) this.#changed = new Uint8Array(height);
      this.#copy.set(pixels.subarray(0, n));
      this.#changed.fill(1, 0, height);
      this.#width = width;
      this.#height = height;
      return this.#changed.subarray(0, height);
    }
    const copy = this.#copy, changed = this.#changed;
    const aligned = (width & 3) === 0 && (pixels.byteOffset & 3) === 0;
    const src32 = aligned ? new Uint32Array(pixels.buffer, pixels.byteOffset, n >> 2) : null;
    const copy32 = aligned ? new Uint32Array(copy.buffer, 0, n >> 2) : null;
    for (let y = 0; y < height; y++) {
      let differs = false;
      if (src32 !== null && copy32 !== null) {
        const w4 = width >> 2;
        for (let i = y * w4, end = i + w4; i < end; i++) {
          if (src32[i] !== copy32[i]) {
            differs = true;
            break;
          }
        }
      } else {
        for (let i = y * width, end = i + width; i < end; i++) {
          if (pixels[i] !== copy[i]) {
            differs = true;
            break;
          }
        }
      }
      changed[y] = differs ? 1 : 0;
      if (differs) copy.set(pixels.subarray(y * width, (y + 1) * width), y * width);
    }
    return changed.subarray(0, height);
  }
}
