export * from './auth';
export * from './audit';
export * from './registry';
export * from './ab';
