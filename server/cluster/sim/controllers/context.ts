import type { SimClock } from '../clock';
import type { EventRecorder } from '../events';
import type { ResolvedOptions } from '../options';
import type { PodLogs } from '../pod-logs';
import type { SettingsStore } from '../settings';
import type { ObjectStore } from '../store';

/** What every controller works with. */
export interface ControllerContext {
  store: ObjectStore;
  clock: SimClock;
  options: ResolvedOptions;
  settings: SettingsStore;
  events: EventRecorder;
  podLogs: PodLogs;
}

/** A running controller; `stop` cancels its subscriptions and queued work. */
export interface Controller {
  stop(): void;
}

/** Annotation prefix for everything the simulator reads from or writes to objects. */
export const SIM = 'sim.neuroweaver.dev';
