import { afterAll, describe, expect, it } from 'vitest';
import { closeRedis, createRedis } from '@/server/queue/redis';
import { liveChannel, type PipelineChange, pipelineChangesSchema, publishPipelineChanged, publishPipelineChanges } from './live-channel';

afterAll(async () => {
  await closeRedis();
});

describe('pipeline change notices', () => {
  it('publishes what one turn of the event loop noted as one message, kinds merged per pipeline', async () => {
    const sub = createRedis('client', 'nw-test-live-channel');
    const messages: PipelineChange[][] = [];
    sub.on('message', (_channel: string, text: string) => messages.push(pipelineChangesSchema.parse(JSON.parse(text))));
    await sub.subscribe(liveChannel());
    try {
      publishPipelineChanged('a', 'state');
      publishPipelineChanges([{ id: 'b', kinds: ['progress'] }]);
      publishPipelineChanged('a', 'logs', 'state');
      // A later turn is a message of its own.
      await new Promise((resolve) => setTimeout(resolve, 20));
      publishPipelineChanged('c');
      for (let i = 0; i < 100 && messages.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(messages).toEqual([
        [
          { id: 'a', kinds: ['state', 'logs'] },
          { id: 'b', kinds: ['progress'] },
        ],
        [{ id: 'c', kinds: ['state'] }],
      ]);
    } finally {
      sub.disconnect();
    }
  });
});
