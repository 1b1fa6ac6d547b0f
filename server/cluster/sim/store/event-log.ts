import type { StoreEvent } from './types';

/**
 * The last `capacity` events of one resource type, for watches that resume from a resourceVersion.
 * `floor` is the newest resourceVersion no longer covered: a watch from below it has to re-list (410).
 */
export class EventLog {
  private readonly ring: (StoreEvent | undefined)[];
  private start = 0;
  private size = 0;

  constructor(
    private readonly capacity: number,
    private floor: number,
  ) {
    this.ring = new Array(capacity);
  }

  append(event: StoreEvent): void {
    if (this.size === this.capacity) {
      this.floor = this.ring[this.start]!.resourceVersion;
      this.ring[this.start] = event;
      this.start = (this.start + 1) % this.capacity;
    } else {
      this.ring[(this.start + this.size) % this.capacity] = event;
      this.size++;
    }
  }

  /** Events newer than `resourceVersion`, oldest first; undefined when the log no longer reaches back that far. */
  since(resourceVersion: number): StoreEvent[] | undefined {
    if (resourceVersion < this.floor) return undefined;
    const out: StoreEvent[] = [];
    for (let i = 0; i < this.size; i++) {
      const event = this.ring[(this.start + i) % this.capacity]!;
      if (event.resourceVersion > resourceVersion) out.push(event);
    }
    return out;
  }

  /** Forgets everything up to `resourceVersion` (a test hook: forces 410 for older watches). */
  compact(resourceVersion: number): void {
    this.ring.fill(undefined);
    this.start = 0;
    this.size = 0;
    this.floor = Math.max(this.floor, resourceVersion);
  }

  get oldestResumable(): number {
    return this.floor;
  }
}
