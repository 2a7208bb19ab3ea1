import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryTable } from '@cdktf/provider-google/lib/bigquery-table';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { RuleLevel } from '../../src';
import { check, findingsOf } from './helpers';

const KEY = 'projects/acme/locations/europe/keyRings/data/cryptoKeys/pipeline';

describe('encryption-cmek', () => {
  it('reports (INFO) data encrypted with Google-managed keys only', () => {
    const found = check((stack) => new PubsubTopic(stack, 'Topic', { name: 'events', labels: { pipeline: 'p' } })).filter((f) => f.ruleId === 'encryption-cmek');
    expect(found.map((f) => [f.resourceAddress, f.level, f.message])).toEqual([['google_pubsub_topic.Topic', RuleLevel.INFO, 'no customer-managed key (kms_key_name)']]);
  });

  it('passes a topic with a key, and a table whose dataset has a default key', () => {
    expect(
      findingsOf('encryption-cmek', (stack) => {
        new PubsubTopic(stack, 'Topic', { name: 'events', kmsKeyName: KEY });
        const dataset = new BigqueryDataset(stack, 'Dataset', { datasetId: 'records', defaultEncryptionConfiguration: { kmsKeyName: KEY } });
        new BigqueryTable(stack, 'Table', { datasetId: dataset.datasetId, tableId: 'events' });
        new BigqueryTable(stack, 'View', { datasetId: 'elsewhere', tableId: 'v', view: { query: 'SELECT 1', useLegacySql: false } });
      }),
    ).toEqual([]);
  });

  it('fails a table without a key in a dataset without a default key', () => {
    expect(
      findingsOf('encryption-cmek', (stack) => {
        const dataset = new BigqueryDataset(stack, 'Dataset', { datasetId: 'records', defaultEncryptionConfiguration: { kmsKeyName: KEY } });
        new BigqueryTable(stack, 'Table', { datasetId: 'other', tableId: 'events' });
        new BigqueryTable(stack, 'Keyed', { datasetId: dataset.datasetId, tableId: 'keyed', encryptionConfiguration: { kmsKeyName: KEY } });
      }),
    ).toEqual([['google_bigquery_table.Table', 'no customer-managed key (encryption_configuration.kms_key_name)']]);
  });
});
