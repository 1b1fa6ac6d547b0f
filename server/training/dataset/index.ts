/** The dataset half of the training domain: upload/import, and the `prepare` stage. */
export { runPrepareStage, preparedDir, type PrepareStageInput, type PrepareStageResult } from './prepare';
export { getDataset, importDatasetFromUri, listDatasets, uploadDataset, type DatasetView } from './service';
export { validateDataset, type DatasetReport } from './validate';
export { trainingDatasetRoutes } from './rest';
