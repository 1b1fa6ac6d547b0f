/**
 * Label selectors in both forms: the query string (`a=b,c!=d,e in (x,y),f notin (z),g,!h`) and the
 * object form in specs (`matchLabels`, `matchExpressions`).
 */

export type Labels = Readonly<Record<string, string>> | undefined;

type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export class SelectorParseError extends Error {}

/** Splits on commas that are not inside parentheses. */
function splitTerms(input: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of input) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`[-A-Za-z0-9_.]*`;
const SET_RE = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s*\(([^)]*)\)$`);
const EQ_RE = new RegExp(String.raw`^(${KEY})\s*(==|=|!=|>|<)\s*(${VALUE})$`);
const EXISTS_RE = new RegExp(String.raw`^(!?)\s*(${KEY})$`);

export function parseLabelSelector(input: string | undefined): Requirement[] {
  if (!input) return [];
  return splitTerms(input).map((term) => {
    let m = SET_RE.exec(term);
    if (m) {
      const values = m[4].split(',').map((v) => v.trim()).filter((v) => v.length > 0);
      return { key: m[1], operator: m[3] === 'in' ? 'In' : 'NotIn', values };
    }
    m = EQ_RE.exec(term);
    if (m) {
      const op = m[3];
      if (op === '>' || op === '<') {
        if (!/^-?\d+$/.test(m[4])) throw new SelectorParseError(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
        return { key: m[1], operator: op === '>' ? 'Gt' : 'Lt', values: [m[4]] };
      }
      return { key: m[1], operator: op === '!=' ? 'NotIn' : 'In', values: [m[4]] };
    }
    m = EXISTS_RE.exec(term);
    if (m) return { key: m[2], operator: m[1] ? 'DoesNotExist' : 'Exists', values: [] };
    throw new SelectorParseError(`unable to parse requirement: found '${term}', expected: key, !key, key=value, key!=value, key in (...), key notin (...)`);
  });
}

export function matchesRequirements(labels: Labels, requirements: readonly Requirement[]): boolean {
  return requirements.every((r) => {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    const value = has ? labels![r.key] : undefined;
    switch (r.operator) {
      case 'In': return has && r.values.includes(value!);
      case 'NotIn': return !has || !r.values.includes(value!);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      case 'Gt': return has && /^-?\d+$/.test(value!) && Number(value) > Number(r.values[0]);
      case 'Lt': return has && /^-?\d+$/.test(value!) && Number(value) < Number(r.values[0]);
    }
  });
}

/** The object form as requirements. An empty selector matches everything; a missing one nothing. */
export function requirementsOf(selector: LabelSelectorSpec): Requirement[] {
  const reqs: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ key, operator: 'In', values: [value] }));
  for (const e of selector.matchExpressions ?? []) {
    reqs.push({ key: e.key, operator: e.operator as Operator, values: e.values ?? [] });
  }
  return reqs;
}

export function matchesSelector(labels: Labels, selector: LabelSelectorSpec | undefined): boolean {
  if (!selector) return false;
  return matchesRequirements(labels, requirementsOf(selector));
}

/** Renders a selector in query-string form (used by the Scale subresource's status.selector). */
export function formatSelector(selector: LabelSelectorSpec | Record<string, string>): string {
  const spec: LabelSelectorSpec = 'matchLabels' in selector || 'matchExpressions' in selector ? selector as LabelSelectorSpec : { matchLabels: selector as Record<string, string> };
  return requirementsOf(spec).map((r) => {
    if (r.operator === 'Exists') return r.key;
    if (r.operator === 'DoesNotExist') return `!${r.key}`;
    if (r.operator === 'In' && r.values.length === 1) return `${r.key}=${r.values[0]}`;
    return `${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${r.values.join(',')})`;
  }).join(',');
}
