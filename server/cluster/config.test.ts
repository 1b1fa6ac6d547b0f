import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '@/server/env';
import { closeCluster, connectCluster, getCluster, resolveClusterTarget, SERVICE_ACCOUNT_TOKEN } from './config';
import { Kinds } from './kinds';

const none = () => false;
const files = (...present: string[]) => (f: string) => present.includes(f);

describe('resolveClusterTarget', () => {
  it('uses the simulator when nothing points at a real cluster', () => {
    const t = resolveClusterTarget({}, none);
    expect(t).toMatchObject({ kind: 'simulated', namespace: 'neuroweaver', kubeconfigPath: path.resolve('.data/sim/kubeconfig.yaml') });
  });

  it('uses KUBECONFIG when set', () => {
    expect(resolveClusterTarget({ KUBECONFIG: '/k/config' }, files('/k/config'))).toEqual({
      kind: 'real',
      source: 'kubeconfig',
      kubeconfig: '/k/config',
      namespace: 'neuroweaver',
    });
  });

  it('uses the in-cluster service account when its token is mounted', () => {
    expect(resolveClusterTarget({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }, files(SERVICE_ACCOUNT_TOKEN))).toEqual({
      kind: 'real',
      source: 'in-cluster',
      namespace: 'neuroweaver',
    });
  });

  it('prefers the simulator when NEUROWEAVER_CLUSTER=sim', () => {
    const t = resolveClusterTarget({ NEUROWEAVER_CLUSTER: 'sim', KUBECONFIG: '/k/config', NEUROWEAVER_SIM_SPEED: '20', NEUROWEAVER_SIM_GPUS: '8' }, files('/k/config'));
    expect(t).toMatchObject({ kind: 'simulated', speed: 20, gpus: 8 });
  });

  it('reads the namespace and treats empty strings as unset', () => {
    expect(resolveClusterTarget({ NEUROWEAVER_NAMESPACE: 'ml-prod' }, none).namespace).toBe('ml-prod');
    expect(resolveClusterTarget({ NEUROWEAVER_NAMESPACE: '', KUBECONFIG: ' ' }, none)).toMatchObject({ kind: 'simulated', namespace: 'neuroweaver' });
  });

  it.each([
    [{ NEUROWEAVER_NAMESPACE: 'Bad_NS' }, 'Configuration error: NEUROWEAVER_NAMESPACE must be a DNS-1123 label (lowercase letters, digits and "-")'],
    [{ NEUROWEAVER_CLUSTER: 'cloud' }, 'Configuration error: NEUROWEAVER_CLUSTER must be auto, real or sim'],
    [{ KUBECONFIG: '/nope' }, 'Configuration error: KUBECONFIG names /nope, which does not exist'],
    [{ NEUROWEAVER_CLUSTER: 'real' }, 'Configuration error: NEUROWEAVER_CLUSTER is real but neither KUBECONFIG nor an in-cluster service account is available'],
    [{ NEUROWEAVER_SIM_SPEED: '-1' }, 'Configuration error: NEUROWEAVER_SIM_SPEED must be greater than 0'],
  ])('refuses %j with one line', (env, message) => {
    let error: unknown;
    try {
      resolveClusterTarget(env, none);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(message);
  });

  it('needs KUBERNETES_SERVICE_HOST next to a mounted token', () => {
    expect(() => resolveClusterTarget({}, files(SERVICE_ACCOUNT_TOKEN))).toThrow(/KUBERNETES_SERVICE_HOST/);
  });
});

describe('the simulated cluster', () => {
  const dirs: string[] = [];
  const tempKubeconfig = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-cluster-config-'));
    dirs.push(dir);
    return path.join(dir, 'sim', 'kubeconfig.yaml');
  };
  afterEach(async () => {
    await closeCluster();
    vi.unstubAllEnvs();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('is started once; a second connection (another process) joins it through the shared kubeconfig', async () => {
    const kubeconfig = tempKubeconfig();
    const target = resolveClusterTarget({ NEUROWEAVER_CLUSTER: 'sim', NEUROWEAVER_SIM_KUBECONFIG: kubeconfig }, none);
    const owner = await connectCluster(target);
    try {
      expect(owner.identity).toEqual({ kind: 'simulated', label: 'Simulated cluster', server: expect.stringMatching(/^https?:\/\/127\.0\.0\.1:\d+$/), namespace: 'neuroweaver' });
      const joined = await connectCluster(target);
      expect(joined.identity).toEqual(owner.identity);
      await joined.client.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shared' }, data: {} });
      expect((await owner.client.get(Kinds.Secret, 'shared')).metadata?.name).toBe('shared');
      await joined.close();
      expect(existsSync(kubeconfig)).toBe(true);
    } finally {
      await owner.close();
    }
    expect(existsSync(kubeconfig)).toBe(false);
  });

  it('getCluster() connects once per process from the environment', async () => {
    vi.stubEnv('NEUROWEAVER_CLUSTER', 'sim');
    vi.stubEnv('NEUROWEAVER_NAMESPACE', 'nw-test');
    vi.stubEnv('NEUROWEAVER_SIM_KUBECONFIG', tempKubeconfig());
    const [a, b] = await Promise.all([getCluster(), getCluster()]);
    expect(a).toBe(b);
    expect(a.identity).toMatchObject({ kind: 'simulated', label: 'Simulated cluster', namespace: 'nw-test' });
    expect((await a.client.get(Kinds.Namespace, 'nw-test')).metadata?.name).toBe('nw-test');
  });
});
