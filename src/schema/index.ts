export * from './field';
export * from './bigquery-field';
export * from './record-schema-props';
export * from './record-schema';
