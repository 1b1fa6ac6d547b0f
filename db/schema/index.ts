export * from './auth';
export * from './audit';
export * from './registry';
export * from './ab';
export * from './deployments';
export * from './training';
export * from './training-datasets';
export * from './training-feedback';
