import { beforeAll, describe, expect, it } from 'vitest';
import { issueJobToken, verifyJobToken } from './job-token';
import { overallProgress } from './service';
import { stageJobId, stagesFor } from './stages';

beforeAll(() => {
  process.env.NEXTAUTH_SECRET ||= 'x'.repeat(40);
});

const subject = { pipelineId: '5f0c1a52-6a1e-4e55-9a43-3f0d7c3c2a10', stage: 'sft' as const, attempt: 2 };

describe('trainer job tokens', () => {
  it('names exactly the stage attempt it was issued for', () => {
    expect(verifyJobToken(issueJobToken(subject))).toEqual(subject);
  });

  it('refuses a token moved to another attempt, a tampered signature, and garbage', () => {
    const token = issueJobToken(subject);
    const [body, sig] = token.slice(4).split('.');
    const otherBody = Buffer.from(`${subject.pipelineId}:sft:3`).toString('base64url');
    expect(verifyJobToken(`nwt_${otherBody}.${sig}`)).toBeNull();
    expect(verifyJobToken(`nwt_${body}.${sig.slice(0, -2)}AA`)).toBeNull();
    expect(verifyJobToken('nw_abc')).toBeNull();
    expect(verifyJobToken('nwt_nodot')).toBeNull();
    const unknownStage = Buffer.from(`${subject.pipelineId}:deploy:1`).toString('base64url');
    expect(verifyJobToken(`nwt_${unknownStage}.${sig}`)).toBeNull();
  });
});

describe('stages', () => {
  it('runs all eight stages with RLAIF and four without', () => {
    expect(stagesFor(true)).toEqual(['prepare', 'sft', 'generate', 'feedback', 'reward_model', 'ppo', 'evaluate', 'register']);
    expect(stagesFor(false)).toEqual(['prepare', 'sft', 'evaluate', 'register']);
    expect(stageJobId(subject.pipelineId, 'sft', 2)).not.toContain(':');
  });

  it('weights overall progress by stage kind and leaves skipped stages out', () => {
    const p = overallProgress([
      { stage: 'prepare', status: 'succeeded', progress: 1 },
      { stage: 'sft', status: 'running', progress: 0.5 },
      { stage: 'evaluate', status: 'pending', progress: 0 },
      { stage: 'register', status: 'pending', progress: 0 },
    ]);
    // weights 1 + 3 + 3 + 1 = 8; done 1 + 1.5
    expect(p).toBeCloseTo(2.5 / 8, 4);
    expect(overallProgress([{ stage: 'ppo', status: 'skipped', progress: 0 }, { stage: 'sft', status: 'succeeded', progress: 1 }])).toBe(1);
  });
});
