import type { IPod } from 'kubernetes-models/v1/Pod';
import type { ModelServer } from '../model-server/model-server';
import { T } from '../resources';
import type { Stored } from '../store/types';
import type { Controller, ControllerContext } from './context';
import { PodRuntime } from './pod-runtime';
import { isTerminal } from './pod-status';
import { keyOf, splitKey, WorkQueue } from './work-queue';

export interface Kubelet extends Controller {
  /** The simulated model server of a serving pod, while it runs. */
  modelServer(namespace: string, name: string): ModelServer | undefined;
}

/** Runs a PodRuntime for every pod bound to a node, and tears it down when the pod goes. */
export function startKubelet(ctx: ControllerContext): Kubelet {
  const { store } = ctx;
  const runtimes = new Map<string, PodRuntime>();
  const reconcile = (key: string) => {
    const [ns, name] = splitKey(key);
    const pod = store.get<Stored<IPod>>(T.pods, ns, name);
    const running = runtimes.get(key);
    if (running && running.uid !== pod?.metadata.uid) {
      running.stop();
      runtimes.delete(key);
      if (!pod) ctx.podLogs.removePod(ns!, name);
    }
    if (!pod) {
      ctx.podLogs.removePod(ns!, name);
      return;
    }
    if (!pod.spec?.nodeName || runtimes.has(key) || isTerminal(pod)) return;
    const runtime = new PodRuntime(ctx, pod);
    runtimes.set(key, runtime);
    runtime.start();
  };
  const queue = new WorkQueue('kubelet', reconcile, ctx.clock);
  const unsubscribe = store.subscribe((e) => {
    const pod = e.object as Stored<IPod>;
    if (e.type === 'DELETED' || pod.spec?.nodeName) queue.add(keyOf(pod.metadata.namespace, pod.metadata.name));
  }, [T.pods]);
  for (const pod of store.list<Stored<IPod>>(T.pods)) queue.add(keyOf(pod.metadata.namespace, pod.metadata.name));
  const offSettings = ctx.settings.onChange(() => {
    for (const r of runtimes.values()) r.settingsChanged();
  });
  return {
    modelServer: (namespace, name) => runtimes.get(keyOf(namespace, name))?.modelServer,
    stop() {
      unsubscribe();
      offSettings();
      queue.stop();
      for (const r of runtimes.values()) r.stop();
      runtimes.clear();
    },
  };
}
