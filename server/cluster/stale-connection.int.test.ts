import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient } from './client';
import { Kinds } from './kinds';
import { startSimulator, type Simulator } from './sim';

/*
 * The API server closes an idle keep-alive connection just as the client sends on it: the client sees
 * ECONNRESET before any answer. Here a TCP proxy in front of the simulator (plain HTTP, so the proxy can
 * read the request line) cuts the connection that carries the first PATCH, as a stale connection would.
 */
let sim: Simulator;
let proxy: Server;
let cutPatches = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  sim = await startSimulator({ tls: false, speed: 100 });
  const target = new URL(sim.url);
  proxy = createServer((client) => {
    sockets.add(client);
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(upstream);
    client.on('data', (chunk) => {
      if (cutPatches > 0 && chunk.toString('latin1').startsWith('PATCH ')) {
        cutPatches--;
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => proxy.close(resolve));
  await sim.stop();
});

function clientThroughProxy(): ClusterClient {
  const kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  const { port } = proxy.address() as AddressInfo;
  kc.loadFromOptions({
    clusters: [{ name: 'proxy', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: kc.getUsers(),
    contexts: [{ name: 'proxy', cluster: 'proxy', user: kc.getCurrentUser()!.name }],
    currentContext: 'proxy',
  });
  return new ClusterClient(kc, 'neuroweaver');
}

const secret = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', data: { a: Buffer.from('1').toString('base64') } });

describe('a request cut on its connection before any answer', () => {
  it('is sent again once when it is a server-side apply, which lands once', async () => {
    const client = clientThroughProxy();
    cutPatches = 1;
    const applied = await client.apply(secret('stale-once'));
    expect(cutPatches).toBe(0);
    expect(applied.metadata?.name).toBe('stale-once');
    expect((await client.get(Kinds.Secret, 'stale-once')).data).toEqual({ a: Buffer.from('1').toString('base64') });
  });

  it('fails as cluster unavailable when the connection is cut again', async () => {
    const client = clientThroughProxy();
    cutPatches = 2;
    await expect(client.apply(secret('stale-twice'))).rejects.toMatchObject({ name: 'ClusterUnavailableError', message: expect.stringMatching(/apply Secret stale-twice: .*ECONNRESET/) });
    expect(cutPatches).toBe(0);
    expect(await client.find(Kinds.Secret, 'stale-twice')).toBeNull();
  });
});
