import { describe, expect, it } from 'vitest';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IService } from 'kubernetes-models/v1/Service';
import type { Cluster } from './config';
import { clusterDnsUrl, serviceBaseUrls } from './service-endpoints';

const service = (port = 80): IService => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'sales-production', namespace: 'nw' },
  spec: { selector: { 'app.kubernetes.io/instance': 'sales-production' }, ports: [{ name: 'http', port, targetPort: 8000 }] },
});

const pod = (name: string, ready: boolean, port: string, instance = 'sales-production'): IPod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'nw', labels: { 'app.kubernetes.io/instance': instance }, annotations: { 'sim.neuroweaver.dev/port': port } },
  status: { phase: 'Running', podIP: '127.0.0.1', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

const fakeCluster = (kind: 'real' | 'simulated') => ({ identity: { kind, label: '', server: '', namespace: 'nw' }, client: {} }) as unknown as Cluster;

describe('service endpoints', () => {
  it('names a Service by its cluster DNS name (port omitted when 80)', () => {
    expect(clusterDnsUrl(service())).toBe('http://sales-production.nw.svc.cluster.local');
    expect(clusterDnsUrl(service(8080))).toBe('http://sales-production.nw.svc.cluster.local:8080');
  });

  it('resolves to the DNS name on a real cluster and to the ready pods on the simulator', async () => {
    const ref = { name: 'sales-production', namespace: 'nw' };
    const pods = [pod('a', true, '41001'), pod('b', false, '41002'), pod('c', true, '41003', 'other')];
    expect(await serviceBaseUrls(fakeCluster('real'), ref, { service: service(), pods })).toEqual(['http://sales-production.nw.svc.cluster.local']);
    expect(await serviceBaseUrls(fakeCluster('simulated'), ref, { service: service(), pods })).toEqual(['http://127.0.0.1:41001']);
    expect(await serviceBaseUrls(fakeCluster('simulated'), ref, { service: null, pods })).toEqual([]);
  });
});
