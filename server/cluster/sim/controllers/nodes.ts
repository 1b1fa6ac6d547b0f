import type { INode } from 'kubernetes-models/v1/Node';
import { T } from '../resources';
import type { Stored } from '../store/types';
import { rfc3339 } from '../util/time';
import type { Controller, ControllerContext } from './context';

export function nodeName(i: number): string {
  return `sim-node-${i}`;
}

function nodeStatus(ctx: ControllerContext, gpus: number): INode['status'] {
  const now = rfc3339();
  const { cpu, memory } = ctx.options.node;
  const resources = { cpu, memory, pods: '110', 'ephemeral-storage': '500Gi', 'nvidia.com/gpu': String(gpus) };
  const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now });
  return {
    capacity: resources,
    allocatable: resources,
    conditions: [
      cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ],
    addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
    nodeInfo: {
      kubeletVersion: 'v1.32.0-sim', kubeProxyVersion: 'v1.32.0-sim', containerRuntimeVersion: 'sim://1.0.0', osImage: 'NeuroWeaver simulated node',
      kernelVersion: '6.1.0-sim', operatingSystem: 'linux', architecture: 'amd64', machineID: 'sim', systemUUID: 'sim', bootID: 'sim',
    },
  };
}

/**
 * Keeps `options.node.count` GPU nodes (sim-node-0..N-1) with nvidia.com/gpu capacity from the
 * settings; a change of `gpusPerNode` updates every node at once.
 */
export function startNodes(ctx: ControllerContext): Controller {
  const { store, options } = ctx;
  const ensure = (gpus: number) => {
    for (let i = 0; i < options.node.count; i++) {
      const name = nodeName(i);
      const labels = {
        'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': 'sim.gpu', 'nvidia.com/gpu.product': options.node.gpuProduct,
        'nvidia.com/gpu.count': String(gpus), 'neuroweaver.dev/simulated': 'true',
      };
      const existing = store.get<Stored<INode>>(T.nodes, undefined, name);
      if (!existing) {
        store.create(T.nodes, { metadata: { name, labels }, spec: {}, status: nodeStatus(ctx, gpus) });
      } else if (existing.status?.capacity?.['nvidia.com/gpu'] !== String(gpus) || existing.status?.capacity?.cpu !== options.node.cpu) {
        store.mutate<Stored<INode>>(T.nodes, undefined, name, (n) => {
          n.metadata.labels = { ...n.metadata.labels, ...labels };
          n.status = nodeStatus(ctx, gpus);
        });
      }
    }
    for (const n of store.list(T.nodes)) {
      const m = /^sim-node-(\d+)$/.exec(n.metadata.name);
      if (m && Number(m[1]) >= options.node.count) store.delete(T.nodes, undefined, n.metadata.name);
    }
  };
  ensure(ctx.settings.get().gpusPerNode);
  const off = ctx.settings.onChange((s, prev) => {
    if (s.gpusPerNode !== prev.gpusPerNode) ensure(s.gpusPerNode);
  });
  return { stop: off };
}
