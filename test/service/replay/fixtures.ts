import { isoToMicros } from '../../../src/schema/wire';
import type { DeadLetterMessage } from '../../../src/service/replay/dead-letter';
import { validFlightEvent } from '../app-harness';

/** The window the tests replay: one day of dead-letter publish times. */
export const FROM = isoToMicros('2024-05-02T00:00:00Z')!;
export const TO = isoToMicros('2024-05-03T00:00:00Z')!;
const at = (iso: string) => isoToMicros(iso)!;
const json = (event: unknown) => Buffer.from(JSON.stringify(event), 'utf8');

/** What Pub/Sub adds when it forwards a message the BigQuery subscription could not write. */
const forwarded = (error?: string) => ({
  CloudPubSubDeadLetterSourceDeliveryCount: '5',
  CloudPubSubDeadLetterSourceSubscription: 'flights-to-bigquery',
  CloudPubSubDeadLetterSourceSubscriptionProject: 'test-project',
  CloudPubSubDeadLetterSourceTopicPublishTime: '2024-05-01T23:00:00.500Z',
  ...(error ? { CloudPubSubDeadLetterSourceDeliveryErrorMessage: error } : {}),
});

/** Dead letters as the dead-letter subscription writes them: the payload as published, metadata, attributes. */
export const DEAD_LETTERS: DeadLetterMessage[] = [
  // Refused by the table, with Pub/Sub's reason; the producer set two attributes of its own.
  { messageId: 'dl-1', publishTimeMicros: at('2024-05-02T01:00:00Z'), data: json(validFlightEvent('evt-1')), attributes: { producer: 'checkout', trace: 't-1', ...forwarded('Field gate does not exist in table flights') } },
  // Pub/Sub dead-lettered the same message a second time, under another message id.
  { messageId: 'dl-1-again', publishTimeMicros: at('2024-05-02T01:00:05Z'), data: json(validFlightEvent('evt-1')), attributes: { producer: 'checkout', trace: 't-1', ...forwarded('Field gate does not exist in table flights') } },
  // No reason recorded.
  { messageId: 'dl-2', publishTimeMicros: at('2024-05-02T02:00:00Z'), data: json(validFlightEvent('evt-2')), attributes: { producer: 'gate-app', ...forwarded() } },
  // A payload the current schema refuses: the topic would refuse it too.
  { messageId: 'dl-3', publishTimeMicros: at('2024-05-02T03:00:00Z'), data: json({ ...validFlightEvent('evt-3'), status: 5 }), attributes: forwarded('bad status') },
  // A replay that was dead-lettered again.
  { messageId: 'dl-4', publishTimeMicros: at('2024-05-02T04:00:00Z'), data: json(validFlightEvent('evt-4')), attributes: { pipeline_replay_id: 'abc', pipeline_replay_of: 'dl-0', pipeline_replay_generation: '1', ...forwarded('still failing') } },
  // Outside the window.
  { messageId: 'dl-5', publishTimeMicros: at('2024-05-03T00:00:00Z'), data: json(validFlightEvent('evt-5')), attributes: forwarded() },
];
