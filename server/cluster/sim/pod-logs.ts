/**
 * Container logs of simulated pods, kept in memory (bounded), with followers for `follow=true`.
 * A restarted container keeps the previous instance's lines for `previous=true`.
 */
export interface LogLine {
  time: number;
  text: string;
}

interface ContainerLog {
  lines: LogLine[];
  previous: LogLine[];
  running: boolean;
  followers: Set<{ onLine: (l: LogLine) => void; onEnd: () => void }>;
}

const MAX_LINES = 5000;

export class PodLogs {
  private readonly logs = new Map<string, ContainerLog>();

  private entry(namespace: string, pod: string, container: string): ContainerLog {
    const key = `${namespace}/${pod}/${container}`;
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = { lines: [], previous: [], running: false, followers: new Set() }));
    return log;
  }

  /** A container (re)starts: earlier lines become `previous`. */
  start(namespace: string, pod: string, container: string): void {
    const log = this.entry(namespace, pod, container);
    if (log.lines.length) log.previous = log.lines;
    log.lines = [];
    log.running = true;
  }

  append(namespace: string, pod: string, container: string, text: string): void {
    const log = this.entry(namespace, pod, container);
    for (const part of text.split('\n')) {
      const line = { time: Date.now(), text: part };
      log.lines.push(line);
      if (log.lines.length > MAX_LINES) log.lines.splice(0, log.lines.length - MAX_LINES);
      for (const f of log.followers) f.onLine(line);
    }
  }

  /** The container exited: followers' streams end. */
  stop(namespace: string, pod: string, container: string): void {
    const log = this.entry(namespace, pod, container);
    log.running = false;
    for (const f of log.followers) f.onEnd();
    log.followers.clear();
  }

  read(namespace: string, pod: string, container: string, previous = false): LogLine[] {
    const log = this.logs.get(`${namespace}/${pod}/${container}`);
    return log ? [...(previous ? log.previous : log.lines)] : [];
  }

  isRunning(namespace: string, pod: string, container: string): boolean {
    return this.logs.get(`${namespace}/${pod}/${container}`)?.running ?? false;
  }

  /** Calls onLine for new lines until the container stops or the pod goes; returns an unsubscribe. */
  follow(namespace: string, pod: string, container: string, onLine: (l: LogLine) => void, onEnd: () => void): () => void {
    const log = this.entry(namespace, pod, container);
    if (!log.running) {
      onEnd();
      return () => {};
    }
    const f = { onLine, onEnd };
    log.followers.add(f);
    return () => log.followers.delete(f);
  }

  /** The pod was deleted: end followers and forget its logs. */
  removePod(namespace: string, pod: string): void {
    const prefix = `${namespace}/${pod}/`;
    for (const [key, log] of this.logs) {
      if (!key.startsWith(prefix)) continue;
      for (const f of log.followers) f.onEnd();
      this.logs.delete(key);
    }
  }
}
