import { describe, expect, it } from 'vitest';
import { queryObject } from './query-object';

const parse = (query: string) => queryObject(new URLSearchParams(query));

describe('queryObject', () => {
  it('gives a key seen once as a string and a repeated key as its values in order', () => {
    expect(parse('unit=u-1')).toEqual({ unit: 'u-1' });
    expect(parse('a=1&b=2&a=3&a=4&c=')).toEqual({ a: ['1', '3', '4'], b: '2', c: '' });
    expect(Object.keys(parse('b=1&a=2&b=3'))).toEqual(['b', 'a']);
  });

  it('decodes as URLSearchParams does', () => {
    expect(parse('unit=a+b%20c&x=%E4%B8%AD&bad=%ZZ&k%3Dv=1')).toEqual({ unit: 'a b c', x: '中', bad: '%ZZ', 'k=v': '1' });
    expect(parse('')).toEqual({});
  });

  it("keeps keys that name Object.prototype's members as own values", () => {
    const q = parse('constructor=a&toString=b&toString=c&hasOwnProperty=d');
    expect(q).toEqual({ constructor: 'a', toString: ['b', 'c'], hasOwnProperty: 'd' });
    expect(Object.getPrototypeOf(q)).toBe(Object.prototype);
  });

  it('ignores __proto__ instead of replacing the prototype', () => {
    const q = parse('__proto__=x&__proto__=y&unit=u');
    expect(Object.getPrototypeOf(q)).toBe(Object.prototype);
    expect(q).toEqual({ unit: 'u' });
  });
});
