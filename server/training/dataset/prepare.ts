import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { systemActor, type RequestMeta } from '@/server/auth/actor';
import type { PipelineConfig } from '../config';
import { getDataset, importDatasetFromUri, storedPath, type DatasetView } from './service';
import { datasetsDir } from './storage';
import { validateDataset, type DatasetReport } from './validate';

export interface PrepareStageInput {
  pipelineId: string;
  config: Pick<PipelineConfig, 'dataset' | 'qlora'>;
  log: (line: string) => void | Promise<void>;
}

export interface PrepareStageResult {
  datasetId: string;
  /** The stored copy the GPU stages read (file:// under the datasets directory). */
  datasetUri: string;
  datasetSha256: string;
  datasetOrigin: string;
  report: DatasetReport;
  trainPath: string;
  evalPath: string;
  trainUri: string;
  evalUri: string;
  reportPath: string;
  /**
   * The same files relative to the datasets directory: the GPU stages find them at `$NW_DATASET_DIR/<path>`
   * when the datasets PVC is that directory.
   */
  relative: { dataset: string; train: string; eval: string; report: string };
}

const rel = (path: string) => relative(datasetsDir(), path).split(sep).join('/');

/** Directory of one pipeline's prepared files (train.jsonl, eval.jsonl, report.json). */
export function preparedDir(pipelineId: string): string {
  return join(datasetsDir(), 'prepared', pipelineId);
}

/**
 * The `prepare` stage: resolve the dataset (an uploaded one by id, or a URI copied into the datasets
 * directory with its checksum), validate it line by line, drop duplicates, write the train/eval split and
 * `report.json`. Idempotent: a re-run reuses the URI copy and rewrites the same files (the split is
 * deterministic). A bad dataset throws a 4xx ValidationError naming the line and the problem.
 */
export async function runPrepareStage({ pipelineId, config, log }: PrepareStageInput): Promise<PrepareStageResult> {
  const meta: RequestMeta = { actor: systemActor, requestId: `pipeline:${pipelineId}:prepare` };
  let dataset: DatasetView;
  if (config.dataset.kind === 'upload') {
    dataset = await getDataset(config.dataset.id);
    await log(`dataset ${dataset.name} (${dataset.id}), ${dataset.sizeBytes} bytes, sha256 ${dataset.sha256}`);
  } else {
    await log(`fetching dataset ${config.dataset.uri}`);
    dataset = await importDatasetFromUri(meta, config.dataset.uri, { reuseKey: `pipeline-${pipelineId}` });
    await log(`stored ${dataset.sizeBytes} bytes, sha256 ${dataset.sha256}`);
  }
  const outDir = preparedDir(pipelineId);
  await mkdir(outDir, { recursive: true });
  const report = await validateDataset(storedPath(dataset), { outDir, maxSeqLength: config.qlora.maxSeqLength });
  await log(
    `validated ${report.rows} rows (${report.formats.promptResponse} prompt/response, ${report.formats.chat} chat), ` +
      `${report.duplicatesRemoved} duplicates removed, ${report.trainRows} train / ${report.evalRows} eval, ` +
      `~${report.tokens.mean} tokens per row (p95 ${report.tokens.p95}, max ${report.tokens.max})` +
      (report.overMaxSeqLength ? `, ${report.overMaxSeqLength} rows longer than ${config.qlora.maxSeqLength} tokens will be truncated` : ''),
  );
  const reportPath = join(outDir, 'report.json');
  await writeFile(reportPath, JSON.stringify({ dataset, report }, null, 2));
  const trainPath = join(outDir, 'train.jsonl');
  const evalPath = join(outDir, 'eval.jsonl');
  return {
    datasetId: dataset.id, datasetUri: dataset.uri, datasetSha256: dataset.sha256, datasetOrigin: dataset.origin, report,
    trainPath, evalPath, trainUri: pathToFileURL(trainPath).href, evalUri: pathToFileURL(evalPath).href, reportPath,
    relative: { dataset: rel(storedPath(dataset)), train: rel(trainPath), eval: rel(evalPath), report: rel(reportPath) },
  };
}
