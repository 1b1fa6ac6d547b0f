import { describe, expect, it } from 'vitest';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IService } from 'kubernetes-models/v1/Service';
import type { Cluster } from '@/server/cluster/config';
import { podScrapeTargets, scrapeTargets } from './targets';

const service = (targetPort: number | string = 8000): IService => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'sales-production', namespace: 'nw' },
  spec: { selector: { 'app.kubernetes.io/instance': 'sales-production' }, ports: [{ name: 'http', port: 80, targetPort }] },
});

const pod = (uid: string, ip: string | undefined, ready: boolean, more: Partial<{ simPort: string; deleting: boolean }> = {}): IPod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: `p-${uid}`,
    uid,
    namespace: 'nw',
    labels: { 'app.kubernetes.io/instance': 'sales-production' },
    annotations: more.simPort ? { 'sim.neuroweaver.dev/port': more.simPort } : {},
    ...(more.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  },
  spec: { containers: [{ name: 'vllm', ports: [{ name: 'http', containerPort: 8000 }] }] },
  status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

const fakeCluster = (kind: 'real' | 'simulated') => ({ identity: { kind, label: '', server: '', namespace: 'nw' }, client: {} }) as unknown as Cluster;
const ref = { name: 'sales-production', namespace: 'nw' };

describe('scrape targets', () => {
  it('on a real cluster: each ready pod at podIP:targetPort, keyed by uid (never the Service, which picks any pod)', async () => {
    const pods = [pod('a', '10.0.0.5', true), pod('b', '10.0.0.6', true), pod('c', '10.0.0.7', false), pod('d', undefined, true), pod('e', '10.0.0.8', true, { deleting: true })];
    expect(await scrapeTargets(fakeCluster('real'), ref, service(), pods)).toEqual([
      { key: 'a', url: 'http://10.0.0.5:8000' },
      { key: 'b', url: 'http://10.0.0.6:8000' },
    ]);
    expect(podScrapeTargets(service('http'), [pod('a', 'fd00::1', true)])).toEqual([{ key: 'a', url: 'http://[fd00::1]:8000' }]);
    expect(podScrapeTargets(null, [pod('a', '10.0.0.5', true)])).toEqual([]);
  });

  it('on the simulator: each ready pod at its own loopback port', async () => {
    const pods = [pod('a', '127.0.0.1', true, { simPort: '41001' }), pod('b', '127.0.0.1', true, { simPort: '41002' }), pod('c', '127.0.0.1', false, { simPort: '41003' })];
    expect(await scrapeTargets(fakeCluster('simulated'), ref, service(), pods)).toEqual([
      { key: 'a', url: 'http://127.0.0.1:41001' },
      { key: 'b', url: 'http://127.0.0.1:41002' },
    ]);
    expect(await scrapeTargets(fakeCluster('simulated'), ref, null, pods)).toEqual([]);
  });
});
