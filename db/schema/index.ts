export * from './auth';
export * from './audit';
export * from './registry';
export * from './ab';
export * from './deployments';
