import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { describe, expect, it } from 'vitest';
import { capacityOf, podRequests } from './pod-resources';

const spec = (gpu: string, cpu: string): IPodSpec => ({
  containers: [
    { name: 'a', resources: { requests: { cpu, memory: '1Gi' }, limits: { 'nvidia.com/gpu': gpu } } },
    { name: 'b', resources: { requests: { cpu: '250m' } } },
  ],
  initContainers: [{ name: 'init', resources: { requests: { cpu: '4' } } }],
});

describe('podRequests', () => {
  it('sums the containers, takes the larger of that and each init container, and reads limits when no request', () => {
    expect(podRequests(spec('2', '500m'))).toEqual({ cpu: 4, memory: 2 ** 30, 'nvidia.com/gpu': 2 });
  });

  it('parses a stored (frozen) spec once, and a mutable one each time it is asked', () => {
    const frozen = Object.freeze(spec('1', '1'));
    expect(podRequests(frozen)).toBe(podRequests(frozen));
    const mutable = spec('1', '1');
    expect(podRequests(mutable)['nvidia.com/gpu']).toBe(1);
    mutable.containers[0].resources!.limits!['nvidia.com/gpu'] = '3';
    expect(podRequests(mutable)['nvidia.com/gpu']).toBe(3);
  });
});

describe('capacityOf', () => {
  it('parses quantities, remembering frozen lists', () => {
    const allocatable = Object.freeze({ cpu: '8', memory: '64Gi', 'nvidia.com/gpu': '8' });
    expect(capacityOf(allocatable)).toEqual({ cpu: 8, memory: 64 * 2 ** 30, 'nvidia.com/gpu': 8 });
    expect(capacityOf(allocatable)).toBe(capacityOf(allocatable));
  });
});
