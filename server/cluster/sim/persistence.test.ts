import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator } from './index';
import { T } from './resources';
import { fastOptions } from './testing/fast-options';
import { waitFor } from './testing/wait-for';

const dir = mkdtempSync(join(tmpdir(), 'nw-sim-persist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('simulator persistence', () => {
  it('survives a restart: objects, resourceVersion, settings, and serving pods come back', async () => {
    const persistPath = join(dir, 'cluster.json');
    const first = await startSimulator(fastOptions({ tls: false, persistPath }));
    first.store.create(T.configmaps, { metadata: { name: 'kept', namespace: 'neuroweaver' }, data: { a: '1' } });
    first.store.create(T.deployments, {
      metadata: { name: 'svc', namespace: 'neuroweaver' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'svc' } }, template: { metadata: { labels: { app: 'svc' } }, spec: { containers: [{ name: 'c', image: 'vllm:1' }] } } },
    });
    first.store.create(T.services, { metadata: { name: 'svc', namespace: 'neuroweaver' }, spec: { selector: { app: 'svc' }, ports: [{ port: 80 }] } });
    await waitFor('ready', () => first.resolveService('neuroweaver', 'svc').length === 1);
    first.settings.update({ jobFailure: 'OOMKilled' });
    const rv = Number(first.store.resourceVersion);
    await first.stop();

    const second = await startSimulator(fastOptions({ tls: false, persistPath }));
    try {
      expect(second.store.get(T.configmaps, 'neuroweaver', 'kept')?.data).toEqual({ a: '1' });
      expect(Number(second.store.resourceVersion)).toBeGreaterThanOrEqual(rv);
      expect(second.settings.get().jobFailure).toBe('OOMKilled');
      expect(second.store.list(T.nodes)).toHaveLength(4);
      expect(second.store.list(T.replicasets)).toHaveLength(1);
      await waitFor('serving again', async () => {
        const [url] = second.resolveService('neuroweaver', 'svc');
        return url && (await fetch(`${url}/health`)).ok;
      });
    } finally {
      await second.stop();
    }
  });
});
