import { describe, expect, it } from 'vitest';
import type { KObject } from '../store/types';
import { matchesFields, parseFieldSelector } from './field-selector';
import { formatSelector, matchesRequirements, matchesSelector, parseLabelSelector, SelectorParseError } from './label-selector';

const labels = { app: 'web', tier: 'front', version: '3' };
const m = (sel: string) => matchesRequirements(labels, parseLabelSelector(sel));

describe('label selectors', () => {
  it('supports equality, inequality, set, existence and numeric operators', () => {
    expect(m('app=web')).toBe(true);
    expect(m('app==web,tier=front')).toBe(true);
    expect(m('app!=web')).toBe(false);
    expect(m('missing!=x')).toBe(true);
    expect(m('app in (api, web)')).toBe(true);
    expect(m('app notin (web)')).toBe(false);
    expect(m('tier')).toBe(true);
    expect(m('!tier')).toBe(false);
    expect(m('!missing')).toBe(true);
    expect(m('version>2,version<4')).toBe(true);
    expect(m('')).toBe(true);
    expect(m('app.kubernetes.io/name=x')).toBe(false);
  });

  it('rejects malformed selectors', () => {
    expect(() => parseLabelSelector('a=b=c')).toThrow(SelectorParseError);
    expect(() => parseLabelSelector('a in b')).toThrow(SelectorParseError);
  });

  it('evaluates and formats the object form', () => {
    const sel = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }, { key: 'canary', operator: 'DoesNotExist' }] };
    expect(matchesSelector(labels, sel)).toBe(true);
    expect(matchesSelector(labels, undefined)).toBe(false);
    expect(matchesSelector(labels, {})).toBe(true);
    expect(formatSelector(sel)).toBe('app=web,tier in (front,back),!canary');
  });
});

describe('field selectors', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: '' }, status: { phase: 'Running' } } as unknown as KObject;
  const event = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'ns' }, involvedObject: { name: 'p', kind: 'Pod', uid: 'u1' } } as unknown as KObject;

  it('matches the supported fields per type', () => {
    expect(matchesFields(pod, parseFieldSelector('status.phase=Running,metadata.name=p', 'pods'))).toBe(true);
    expect(matchesFields(pod, parseFieldSelector('spec.nodeName=', 'pods'))).toBe(true);
    expect(matchesFields(pod, parseFieldSelector('status.phase!=Running', 'pods'))).toBe(false);
    expect(matchesFields(event, parseFieldSelector('involvedObject.kind=Pod,involvedObject.uid=u1,involvedObject.name=p', 'events'))).toBe(true);
  });

  it('refuses unsupported fields like the API server', () => {
    expect(() => parseFieldSelector('spec.foo=1', 'pods')).toThrow('field label not supported: spec.foo');
    expect(() => parseFieldSelector('status.phase=Running', 'configmaps')).toThrow(SelectorParseError);
  });
});
