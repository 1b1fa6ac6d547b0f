import { readFileSync } from 'node:fs';

/** The machine's CPU time by kind since boot, in clock ticks (first line of /proc/stat); null off Linux. */
function readCpuTicks(): { busy: number; steal: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    // cpu user nice system idle iowait irq softirq steal [guest guest_nice: already inside user and nice]
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const busy = user + nice + system + irq + softirq;
    return { busy, steal, total: busy + idle + iowait + steal };
  } catch {
    return null;
  }
}

export interface HostCpu {
  /** Share of all CPUs' time spent running anything, this benchmark's processes or others. */
  busyPercent: number;
  /** Share the hypervisor gave to other guests: time this VM wanted to run and could not. */
  stealPercent: number;
}

/**
 * How loaded the whole machine was while a benchmark ran: every process's CPU time (ours and anything else
 * running) and the time the hypervisor gave this VM's CPUs to other guests (steal). Latency percentiles on a
 * 2-core machine depend on both, so a result is read next to them.
 */
export function trackHostCpu(): { stop(): HostCpu | null } {
  const start = readCpuTicks();
  return {
    stop() {
      const end = readCpuTicks();
      if (!start || !end || end.total <= start.total) return null;
      const total = end.total - start.total;
      const percent = (x: number) => Math.round((1000 * x) / total) / 10;
      return { busyPercent: percent(end.busy - start.busy), stealPercent: percent(end.steal - start.steal) };
    },
  };
}
