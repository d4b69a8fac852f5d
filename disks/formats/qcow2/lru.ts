/**
 * A small least-recently-used map for cached metadata clusters. Eviction is explicit
 * (the owner decides when, so that a table it is holding is never dropped mid-update),
 * and entries the owner still needs (dirty ones) are skipped.
 */
export class LruMap<K, V> {
  readonly #map = new Map<K, V>();

  get size(): number {
    return this.#map.size;
  }

  /** Returns the value and marks it most recently used. */
  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  values(): IterableIterator<V> {
    return this.#map.values();
  }

  entries(): IterableIterator<[K, V]> {
    return this.#map.entries();
  }

  /** Drops least recently used entries that `evictable` allows until at most `max` remain. */
  trimTo(max: number, evictable: (value: V) => boolean): void {
    for (const [key, value] of this.#map) {
      if (this.#map.size <= max) return;
      if (evictable(value)) this.#map.delete(key);
    }
  }
}
