import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPod } from 'kubernetes-models/v1/Pod';

export interface PolicyMatch {
  action: 'FailJob' | 'Ignore' | 'Count' | 'FailIndex';
  index: number;
  message?: string;
}

/** The first podFailurePolicy rule a failed pod matches (exit codes or pod conditions), as the Job controller evaluates it. */
export function matchPodFailurePolicy(job: IJob, pod: IPod): PolicyMatch | undefined {
  const rules = job.spec?.podFailurePolicy?.rules ?? [];
  for (const [index, rule] of rules.entries()) {
    if (rule.onExitCodes) {
      const { operator, values, containerName } = rule.onExitCodes;
      for (const cs of pod.status?.containerStatuses ?? []) {
        if (containerName && cs.name !== containerName) continue;
        const code = cs.state?.terminated?.exitCode;
        if (code === undefined || code === 0) continue;
        const hit = operator === 'In' ? values.includes(code) : !values.includes(code);
        if (hit) {
          return {
            action: rule.action as PolicyMatch['action'], index,
            message: `Container ${cs.name} for pod ${pod.metadata?.namespace}/${pod.metadata?.name} failed with exit code ${code} matching ${rule.action} rule at index ${index}`,
          };
        }
      }
    }
    for (const pattern of rule.onPodConditions ?? []) {
      const cond = pod.status?.conditions?.find((c) => c.type === pattern.type && c.status === (pattern.status ?? 'True'));
      if (cond) {
        return { action: rule.action as PolicyMatch['action'], index, message: `Pod ${pod.metadata?.namespace}/${pod.metadata?.name} has condition ${pattern.type} matching ${rule.action} rule at index ${index}` };
      }
    }
  }
  return undefined;
}
