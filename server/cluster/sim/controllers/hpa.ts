import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IMetricStatus } from 'kubernetes-models/autoscaling/v2/MetricStatus';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { T } from '../resources';
import { matchesSelector } from '../selectors/label-selector';
import type { Stored } from '../store/types';
import { rfc3339 } from '../util/time';
import type { Controller, ControllerContext } from './context';
import type { Kubelet } from './kubelet';
import { isPodReady } from './pod-status';

const COMPONENT = 'horizontal-pod-autoscaler';
const TOLERANCE = 0.1;
/** Concurrent requests one simulated pod handles at 100% CPU. */
const CAPACITY = 4;

interface Sample {
  at: number;
  busyMs: number;
}

/**
 * autoscaling/v2 HPAs on Deployments. Load comes from the simulated model servers: CPU
 * utilisation is 5% idle plus 95% × (average concurrent requests / 4) over the last sync period;
 * `Pods` metrics read the in-flight requests per pod. Desired replicas follow the usual
 * ceil(current × value / target) with a 10% tolerance, clamped to min/max, and scale-down waits
 * out the stabilization window (default 300 s, cluster time).
 */
export function startHpa(ctx: ControllerContext, kubelet: Kubelet): Controller {
  const { store } = ctx;
  const samples = new Map<string, Sample>();
  const recommendations = new Map<string, { at: number; replicas: number }[]>();

  const utilisation = (pod: Stored<IPod>): { cpu: number; inflight: number } => {
    const server = kubelet.modelServer(pod.metadata.namespace!, pod.metadata.name);
    if (!server) return { cpu: 5, inflight: 0 };
    const now = Date.now();
    const prev = samples.get(pod.metadata.uid!);
    samples.set(pod.metadata.uid!, { at: now, busyMs: server.metrics.busyMs });
    const window = prev ? now - prev.at : 0;
    const concurrency = prev && window > 0 ? (server.metrics.busyMs - prev.busyMs) / window : server.metrics.running;
    return { cpu: Math.round(5 + (95 * Math.max(concurrency, server.metrics.running)) / CAPACITY), inflight: server.metrics.running };
  };

  const sync = () => {
    for (const hpa of store.list<Stored<IHorizontalPodAutoscaler>>(T.hpas)) {
      const ns = hpa.metadata.namespace!;
      const spec = hpa.spec!;
      const ref = spec.scaleTargetRef;
      const target = ref.kind === 'Deployment' ? store.get<Stored<IDeployment>>(T.deployments, ns, ref.name) : undefined;
      const now = rfc3339();
      if (!target) {
        store.mutate<Stored<IHorizontalPodAutoscaler>>(T.hpas, ns, hpa.metadata.name, (h) => {
          h.status = { ...h.status, currentReplicas: h.status?.currentReplicas ?? 0, desiredReplicas: h.status?.desiredReplicas ?? 0, conditions: [{ type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: `the HPA controller was unable to get the target's current scale: deployments.apps "${ref.name}" not found`, lastTransitionTime: now }] };
        });
        continue;
      }
      const current = target.spec?.replicas ?? 1;
      const pods = store.list<Stored<IPod>>(T.pods, { namespace: ns }).filter((p) => matchesSelector(p.metadata.labels, target.spec?.selector) && isPodReady(p));
      const loads = pods.map(utilisation);
      const metrics: IMetricStatus[] = [];
      let desired = spec.minReplicas ?? 1;
      let reason = 'All metrics below target';
      for (const m of spec.metrics ?? []) {
        if (pods.length === 0) break;
        if (m.type === 'Resource' && m.resource) {
          const avg = Math.round(loads.reduce((n, l) => n + l.cpu, 0) / loads.length);
          const goal = m.resource.target.averageUtilization ?? 80;
          const ratio = avg / goal;
          const want = Math.abs(ratio - 1) <= TOLERANCE ? current : Math.ceil(pods.length * ratio);
          metrics.push({ type: 'Resource', resource: { name: m.resource.name, current: { averageUtilization: avg, averageValue: `${avg * 10}m` } } });
          if (want > desired) {
            desired = want;
            reason = `${m.resource.name} resource utilization (percentage of request) ${ratio > 1 ? 'above' : 'below'} target`;
          }
        } else if (m.type === 'Pods' && m.pods) {
          const avg = loads.reduce((n, l) => n + l.inflight, 0) / loads.length;
          const goal = Number(m.pods.target.averageValue ?? 1) || 1;
          const ratio = avg / goal;
          const want = Math.abs(ratio - 1) <= TOLERANCE ? current : Math.ceil(pods.length * ratio);
          metrics.push({ type: 'Pods', pods: { metric: { name: m.pods.metric.name }, current: { averageValue: `${Math.round(avg * 1000)}m` } } });
          if (want > desired) {
            desired = want;
            reason = `pods metric ${m.pods.metric.name} ${ratio > 1 ? 'above' : 'below'} target`;
          }
        }
      }
      if (pods.length === 0) desired = current;
      const min = spec.minReplicas ?? 1;
      const max = spec.maxReplicas;
      const limited = desired > max ? 'TooManyReplicas' : desired < min ? 'TooFewReplicas' : undefined;
      desired = Math.min(max, Math.max(min, desired));
      const history = (recommendations.get(hpa.metadata.uid!) ?? []).filter((r) => Date.now() - r.at <= ((spec.behavior?.scaleDown?.stabilizationWindowSeconds ?? 300) * 1000) / ctx.options.speed);
      history.push({ at: Date.now(), replicas: desired });
      recommendations.set(hpa.metadata.uid!, history);
      let stabilized = false;
      if (desired < current) {
        const floor = Math.max(...history.map((r) => r.replicas));
        if (floor > desired) {
          desired = Math.min(current, floor);
          stabilized = true;
        }
      }
      const scaled = desired !== current;
      if (scaled) {
        store.mutate<Stored<IDeployment>>(T.deployments, ns, target.metadata.name, (d) => {
          d.spec!.replicas = desired;
        });
        ctx.events.record(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${desired > current ? reason : 'All metrics below target'}`, COMPONENT);
      }
      store.mutate<Stored<IHorizontalPodAutoscaler>>(T.hpas, ns, hpa.metadata.name, (h) => {
        const cond = (type: string, status: string, r: string, message: string) => {
          const prev = h.status?.conditions?.find((c) => c.type === type);
          return { type, status, reason: r, message, lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : now };
        };
        h.status = {
          observedGeneration: h.metadata.generation,
          currentReplicas: target.status?.replicas ?? current,
          desiredReplicas: desired,
          currentMetrics: metrics,
          ...(scaled ? { lastScaleTime: now } : h.status?.lastScaleTime ? { lastScaleTime: h.status.lastScaleTime } : {}),
          conditions: [
            stabilized ? cond('AbleToScale', 'True', 'ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation')
              : cond('AbleToScale', 'True', scaled ? 'SucceededRescale' : 'ReadyForNewScale', scaled ? `the HPA controller was able to update the target scale to ${desired}` : 'recommended size matches current size'),
            pods.length ? cond('ScalingActive', 'True', 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count from the metrics')
              : cond('ScalingActive', 'False', 'FailedGetResourceMetric', 'the HPA was unable to compute the replica count: no ready pods'),
            limited ? cond('ScalingLimited', 'True', limited, `the desired replica count is ${limited === 'TooManyReplicas' ? 'more than the maximum' : 'less than the minimum'} replica count`)
              : cond('ScalingLimited', 'False', 'DesiredWithinRange', 'the desired count is within the acceptable range'),
          ],
        };
      });
    }
  };
  const stop = ctx.clock.every(ctx.options.timings.hpaSyncMs, () => {
    try {
      sync();
    } catch {
      // The next period retries.
    }
  });
  const unsubscribe = store.subscribe((e) => {
    if (e.type === 'DELETED') recommendations.delete(e.object.metadata.uid!);
  }, [T.hpas]);
  return {
    stop() {
      stop();
      unsubscribe();
    },
  };
}
