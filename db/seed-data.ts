import type { Role } from './schema/auth';

/** Demo users, one per role. The README lists the same credentials. */
export const demoUsers: { email: string; name: string; role: Role; password: string }[] = [
  { email: 'admin@neuroweaver.dev', name: 'Ada Admin', role: 'admin', password: 'admin-demo-password' },
  { email: 'admin2@neuroweaver.dev', name: 'Grace Admin', role: 'admin', password: 'admin2-demo-password' },
  { email: 'ml@neuroweaver.dev', name: 'Mira Engineer', role: 'ml_engineer', password: 'ml-demo-password' },
  { email: 'pm@neuroweaver.dev', name: 'Paul Product', role: 'product_manager', password: 'pm-demo-password' },
  { email: 'viewer@neuroweaver.dev', name: 'Vic Viewer', role: 'viewer', password: 'viewer-demo-password' },
];

const qlora = (rank: number, extra: Record<string, unknown> = {}) => ({
  qlora: { rank, alpha: rank * 2, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], quantization: 'nf4', doubleQuant: true },
  learningRate: 2e-4,
  lrSchedule: 'cosine',
  epochs: 3,
  batchSize: 8,
  gradientAccumulation: 4,
  maxSeqLength: 1024,
  ...extra,
});

export type SeedStep =
  | { create: string; parent?: string; metrics?: Record<string, number>; config?: Record<string, unknown>; baseModel?: string; notes?: string; tags?: string[]; dataset?: string }
  | { promote: string; stage: 'staging' | 'production'; reason?: string }
  | { archive: string; reason: string }
  | { rollback: string; reason: string; approve?: boolean };

export interface SeedFamily {
  slug: string;
  displayName: string;
  baseModel: string;
  specialization: string;
  description: string;
  steps: SeedStep[];
}

export const demoFamilies: SeedFamily[] = [
  {
    slug: 'sales-assistant',
    displayName: 'Dealership sales assistant',
    baseModel: 'microsoft/DialoGPT-medium',
    specialization: 'sales_assistant',
    description: 'Answers showroom questions about trims, availability, trade-ins and test drives.',
    steps: [
      { create: '1.0.0', config: qlora(16), metrics: { eval_loss: 1.62, perplexity: 5.05, accuracy: 0.71, judge_score: 6.4, latency_p95_ms: 420 }, dataset: 's3://datasets/sales/v1.jsonl', tags: ['baseline'] },
      { promote: '1.0.0', stage: 'production', reason: 'first production release' },
      { create: '1.1.0', parent: '1.0.0', config: { qlora: { rank: 32, alpha: 64 } }, metrics: { eval_loss: 1.48, perplexity: 4.39, accuracy: 0.75, judge_score: 7.0 }, dataset: 's3://datasets/sales/v2.jsonl' },
      { promote: '1.1.0', stage: 'staging' },
      { promote: '1.1.0', stage: 'production', reason: '+4 pts accuracy on the showroom eval set' },
      { create: '1.2.0', parent: '1.1.0', config: { rlaif: { enabled: true, judgeModel: 'gpt-4o-mini', samplesPerPrompt: 4, mode: 'pairwise' } }, metrics: { eval_loss: 1.41, reward_score: 0.62, accuracy: 0.78, judge_score: 7.6, judge_win_rate: 0.61 }, notes: 'First RLAIF run.', tags: ['rlaif'] },
      { promote: '1.2.0', stage: 'production', reason: 'RLAIF wins 61% of judged pairs' },
      { rollback: '1.1.0', reason: 'Customers report pushy upselling since 1.2.0', approve: true },
      { create: '1.2.1', parent: '1.2.0', config: { rlaif: { rubric: 'helpful, honest, never pushy' }, ppo: { klCoefficient: 0.08 } }, metrics: { judge_score: 7.9, judge_win_rate: 0.66, latency_p95_ms: 410 }, notes: 'Higher KL penalty, rubric penalises pressure tactics.' },
      { promote: '1.2.1', stage: 'production', reason: 'tone fixed, verified on 500 transcripts' },
      { create: '1.3.0-rc.1', parent: '1.2.1', config: { maxSeqLength: 2048 }, metrics: { eval_loss: 1.36, accuracy: 0.8, latency_p95_ms: 520 } },
      { create: '1.3.0-rc.2', parent: '1.3.0-rc.1', config: { batchSize: 4, gradientAccumulation: 8 }, metrics: { latency_p95_ms: 470 } },
      { promote: '1.3.0-rc.2', stage: 'staging' },
      { archive: '1.0.0', reason: 'superseded; trained on the pre-2025 price list' },
      { create: '2.0.0-beta.1', parent: '1.3.0-rc.2', baseModel: 'meta-llama/Llama-3.1-8B-Instruct', metrics: { eval_loss: 1.12, accuracy: 0.86, judge_score: 8.3, latency_p95_ms: 890 }, notes: 'New base model: breaking change.' },
    ],
  },
  {
    slug: 'service-advisor',
    displayName: 'Service advisor',
    baseModel: 'meta-llama/Llama-3.1-8B-Instruct',
    specialization: 'service_advisor',
    description: 'Books service appointments, explains maintenance schedules and recall notices.',
    steps: [
      { create: '0.1.0', config: qlora(8, { epochs: 2 }), metrics: { eval_loss: 1.21, accuracy: 0.64, judge_score: 5.9 }, dataset: 's3://datasets/service/v1.jsonl' },
      { create: '0.2.0', parent: '0.1.0', metrics: { eval_loss: 1.09, accuracy: 0.7, judge_score: 6.6 } },
      { create: '1.0.0', parent: '0.2.0', config: { qlora: { rank: 16, alpha: 32 } }, metrics: { eval_loss: 0.98, accuracy: 0.76, judge_score: 7.3, latency_p95_ms: 610 } },
      { promote: '1.0.0', stage: 'production', reason: 'launch' },
      { create: '1.1.0', parent: '1.0.0', config: { rlaif: { enabled: true, judgeModel: 'gpt-4o-mini', samplesPerPrompt: 2, mode: 'pointwise' } }, metrics: { accuracy: 0.79, judge_score: 7.7, latency_p95_ms: 640 } },
      { promote: '1.1.0', stage: 'production', reason: 'better recall explanations' },
      { rollback: '1.0.0', reason: 'Recall notices for 2024 models quoted the wrong part numbers' },
    ],
  },
  {
    slug: 'financing-advisor',
    displayName: 'Financing advisor',
    baseModel: 'mistralai/Mistral-7B-Instruct-v0.3',
    specialization: 'financing_advisor',
    description: 'Explains lease vs. finance, APR offers and payment estimates; never gives binding quotes.',
    steps: [
      { create: '1.0.0', config: qlora(16), metrics: { eval_loss: 1.33, accuracy: 0.74, compliance_violations: 0.031 }, dataset: 's3://datasets/financing/v1.jsonl' },
      { create: '1.0.1', parent: '1.0.0', metrics: { compliance_violations: 0.012 }, notes: 'Removed binding-quote phrasing from the data.' },
      { promote: '1.0.1', stage: 'production', reason: 'compliance sign-off' },
      { create: '1.1.0', parent: '1.0.1', config: { learningRate: 1e-4, epochs: 4 }, metrics: { eval_loss: 1.24, accuracy: 0.77 } },
      { promote: '1.1.0', stage: 'staging' },
      { archive: '1.0.0', reason: 'compliance: binding-quote phrasing' },
    ],
  },
  {
    slug: 'ev-charging-helper',
    displayName: 'EV charging helper',
    baseModel: 'Qwen/Qwen2.5-7B-Instruct',
    specialization: 'ev_support',
    description: 'Home charger sizing, public network roaming and range questions for EV owners.',
    steps: [
      { create: '0.9.0-beta.1', config: qlora(32), metrics: { eval_loss: 1.5, accuracy: 0.66 }, dataset: 's3://datasets/ev/v1.jsonl' },
      { create: '0.9.0', parent: '0.9.0-beta.1', metrics: { eval_loss: 1.38, accuracy: 0.72 } },
      { promote: '0.9.0', stage: 'staging' },
      { create: '1.0.0-rc.1', parent: '0.9.0', metrics: { eval_loss: 1.29, accuracy: 0.75, judge_score: 7.1 } },
    ],
  },
];

/** A demo A/B test: the create body plus, for running tests, how its synthetic traffic looks. */
export interface SeedAbTest {
  name: string;
  modelId: string;
  unitPrefix: string;
  variants: { key: string; version: string; weight: number; description?: string }[];
  metrics: { name: string; kind: 'binomial' | 'mean' | 'ratio'; role: 'primary' | 'guardrail'; direction: 'increase' | 'decrease'; denominator?: string }[];
  method: 'frequentist' | 'sequential' | 'bayesian';
  minimumDetectableEffect: number;
  minSamplePerVariant: number;
  /** Absent: the test stays a draft. */
  plan?: {
    units: number;
    /** Lift snapshots, evenly spread over `days`. */
    snapshots: number;
    days: number;
    eventsFor: (variant: string, rand: () => number) => { metric: string; value: number }[];
    keep?: (variant: string, rand: () => number) => boolean;
  };
}

/** Box–Muller normal draw, rounded (latencies in ms). */
const gauss = (rand: () => number, mean: number, sd: number) => Math.max(1, Math.round(mean + sd * Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand())));

export const demoAbTests: SeedAbTest[] = [
  {
    // A clear winner: 1.3.0-rc.2 converts better and is no worse on latency or engagement → "Ship variant B".
    // (Its guardrails lean the good way so a chance false alarm cannot block the demo's ship.)
    name: 'Sales assistant: 2k context (1.3.0-rc.2) vs production 1.2.1',
    modelId: 'sales-assistant',
    unitPrefix: 'sales',
    variants: [
      { key: 'A', version: '1.2.1', weight: 0.5, description: 'production' },
      { key: 'B', version: '1.3.0-rc.2', weight: 0.5, description: '2,048-token context' },
    ],
    metrics: [
      { name: 'test_drive_booked', kind: 'binomial', role: 'primary', direction: 'increase' },
      { name: 'latency_ms', kind: 'mean', role: 'guardrail', direction: 'decrease' },
      { name: 'replies_per_session', kind: 'ratio', role: 'guardrail', direction: 'increase', denominator: 'sessions' },
    ],
    method: 'sequential',
    minimumDetectableEffect: 0.1,
    minSamplePerVariant: 1000,
    plan: {
      units: 5000,
      snapshots: 20,
      days: 3,
      eventsFor: (variant, rand) => {
        const sessions = 1 + Math.floor(rand() * 3);
        const events = [
          { metric: 'test_drive_booked', value: rand() < (variant === 'B' ? 0.16 : 0.1) ? 1 : 0 },
          { metric: 'latency_ms', value: gauss(rand, variant === 'B' ? 452 : 468, 90) },
          { metric: 'sessions', value: sessions },
          { metric: 'replies_per_session', value: sessions * (2 + Math.floor(rand() * (variant === 'B' ? 4.4 : 4))) },
        ];
        return events;
      },
    },
  },
  {
    // A logging bug drops a quarter of the treatment's units: the sample ratio check fires → "Investigate".
    name: 'Financing advisor: 1.1.0 (lower learning rate) vs production 1.0.1',
    modelId: 'financing-advisor',
    unitPrefix: 'finance',
    variants: [
      { key: 'control', version: '1.0.1', weight: 0.5 },
      { key: 'treatment', version: '1.1.0', weight: 0.5, description: 'lr 1e-4, 4 epochs' },
    ],
    metrics: [
      { name: 'application_started', kind: 'binomial', role: 'primary', direction: 'increase' },
      { name: 'compliance_flags', kind: 'mean', role: 'guardrail', direction: 'decrease' },
    ],
    method: 'frequentist',
    minimumDetectableEffect: 0.15,
    minSamplePerVariant: 500,
    plan: {
      units: 4000,
      snapshots: 12,
      days: 2,
      eventsFor: (variant, rand) => [
        { metric: 'application_started', value: rand() < (variant === 'treatment' ? 0.2 : 0.18) ? 1 : 0 },
        { metric: 'compliance_flags', value: rand() < 0.02 ? 1 : 0 },
      ],
      // A quarter, not less: the split itself depends on the test's random id, and at 15 % the check missed it about one seed in five.
      keep: (variant, rand) => variant !== 'treatment' || rand() > 0.25,
    },
  },
  {
    name: 'EV charging helper: 0.9.0 vs 0.9.0-beta.1',
    modelId: 'ev-charging-helper',
    unitPrefix: 'ev',
    variants: [
      { key: 'control', version: '0.9.0-beta.1', weight: 0.5 },
      { key: 'candidate', version: '0.9.0', weight: 0.5 },
    ],
    metrics: [{ name: 'resolved', kind: 'binomial', role: 'primary', direction: 'increase' }],
    method: 'bayesian',
    minimumDetectableEffect: 0.05,
    minSamplePerVariant: 1000,
  },
];
