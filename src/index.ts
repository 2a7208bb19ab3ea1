export * from './schema';
export * from './constructs';
