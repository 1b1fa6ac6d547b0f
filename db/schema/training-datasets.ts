import { bigint, index, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Training datasets (issue #4, dataset half): a JSONL file uploaded through
 * `POST /api/v1/training/datasets` (streamed to disk, sha256 computed on the way) or fetched from a
 * `file://` / `http(s)://` URI by the `prepare` stage. The file lives under NEUROWEAVER_DATASETS_DIR;
 * the row records where and its checksum. Pipelines refer to a dataset by id (no foreign key: a pipeline
 * config is JSON).
 */
export const trainingDatasetSourceEnum = pgEnum('training_dataset_source', ['upload', 'uri']);
export type TrainingDatasetSource = (typeof trainingDatasetSourceEnum.enumValues)[number];

export const trainingDatasets = pgTable(
  'training_datasets',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    source: trainingDatasetSourceEnum().notNull(),
    /** Where the content came from: the original URI, or `upload:<file name>`. */
    origin: text().notNull(),
    /** The stored copy, `file:///…` under the datasets directory. */
    uri: text().notNull(),
    sizeBytes: bigint({ mode: 'number' }).notNull(),
    sha256: text().notNull(),
    contentType: text(),
    createdById: text(),
    createdByLabel: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('training_datasets_created_at_idx').on(t.createdAt), index('training_datasets_sha256_idx').on(t.sha256)],
);
export type TrainingDatasetRow = typeof trainingDatasets.$inferSelect;
