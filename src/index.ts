export * from './schema';
export * from './constructs';
export * from './monitoring';
export * from './checks';
export * from './patterns';
