import type { ServerResponse } from 'node:http';

/** Open watch streams, so tests can cut them all mid-way (the client must resume). */
export class WatchRegistry {
  private readonly open = new Set<{ res: ServerResponse; close: () => void }>();

  add(res: ServerResponse, close: () => void): () => void {
    const entry = { res, close };
    this.open.add(entry);
    return () => this.open.delete(entry);
  }

  get size(): number {
    return this.open.size;
  }

  /**
   * Ends every open watch. `abrupt` destroys the sockets (like a network failure); otherwise the
   * responses end cleanly (like an API server restart or its watch timeout).
   */
  dropAll(abrupt = false): number {
    const entries = [...this.open];
    for (const e of entries) {
      e.close();
      if (abrupt) e.res.destroy();
      else e.res.end();
    }
    this.open.clear();
    return entries.length;
  }
}
