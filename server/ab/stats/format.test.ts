import { describe, expect, it } from 'vitest';
import { formatCount, formatLift, formatNumber, formatPValue, formatShare } from './format';

describe('format', () => {
  it('writes numbers the way a product manager reads them', () => {
    expect(formatCount(57_760)).toBe('57,760');
    expect(formatLift(0.0423)).toBe('+4.2%');
    expect(formatLift(-0.031)).toBe('−3.1%');
    expect(formatLift(0.0042)).toBe('+0.42%');
    expect(formatLift(0)).toBe('0.00%');
    expect(formatShare(1 / 3)).toBe('33.3%');
    expect(formatShare(0.95)).toBe('95%');
    expect(formatPValue(0.0004)).toBe('p < 0.001');
    expect(formatPValue(0.0213)).toBe('p = 0.021');
    expect(formatNumber(1234.5678)).toBe('1,235');
  });
});
