import { describe, expect, it } from 'vitest';
import { ConfigError } from '@/server/env';
import { describeLogTail } from './logs';
import { trainingSettings } from './settings';

describe('describeLogTail', () => {
  it('says how much of the log is shown and how much retention pruned', () => {
    expect(describeLogTail(200, { total: 12_345, pruned: 2_345 }, 30)).toBe('showing last 200 of 12,345 lines; 2,345 older lines pruned');
    expect(describeLogTail(200, { total: 900, pruned: 0 }, 30)).toBe('showing last 200 of 900 lines');
    expect(describeLogTail(42, { total: 42, pruned: 0 }, 30)).toBe('showing all 42 lines');
    expect(describeLogTail(1, { total: 2, pruned: 1 }, 30)).toBe('showing last 1 of 2 lines; 1 older line pruned');
    expect(describeLogTail(0, { total: 0, pruned: 0 }, 30)).toBe('no log lines yet');
    expect(describeLogTail(0, { total: 5_000, pruned: 5_000 }, 30)).toBe('all 5,000 lines pruned (logs are kept 30 days after a run finishes)');
  });
});

describe('log retention settings', () => {
  it('defaults to 10,000 lines per attempt and 30 days, and names a bad variable', () => {
    expect(trainingSettings({}).logs).toEqual({ maxLinesPerAttempt: 10_000, retentionDays: 30 });
    expect(trainingSettings({ NEUROWEAVER_TRAINING_LOG_MAX_LINES: '500', NEUROWEAVER_TRAINING_LOG_RETENTION_DAYS: ' ' }).logs).toEqual({ maxLinesPerAttempt: 500, retentionDays: 30 });
    expect(() => trainingSettings({ NEUROWEAVER_TRAINING_LOG_MAX_LINES: '10' })).toThrow(new ConfigError('Configuration error: NEUROWEAVER_TRAINING_LOG_MAX_LINES must be at least 100'));
    expect(() => trainingSettings({ NEUROWEAVER_TRAINING_LOG_RETENTION_DAYS: 'forever' })).toThrow(/NEUROWEAVER_TRAINING_LOG_RETENTION_DAYS must be a number/);
  });
});
