import type { DeadLetterMessage } from '../../../src/service/replay/dead-letter';
import { jsonPayloadProblem } from '../../../src/service/replay/payload-check';
import { ReplayBackend, ReplayOptions, UNKNOWN_CAUSE, replayDeadLetters } from '../../../src/service/replay/replay';
import { flightEvents } from '../../../examples/flights/flight-events';
import { DEAD_LETTERS, FROM, TO } from './fixtures';

/** A store under test: its dead-letter table holds `DEAD_LETTERS`; `published` says what reached the topic. */
export interface ReplayFixture {
  readonly backend: ReplayBackend;
  /** Messages that reached the ingest topic (or the local table), by event id, with their attributes. */
  published(): Promise<Array<{ eventId: string; attributes: Record<string, string> }>>;
  close(): Promise<void>;
}

const PRODUCER_ATTRIBUTES: Record<string, Record<string, string>> = {
  'evt-1': { producer: 'checkout', trace: 't-1' },
  'evt-2': { producer: 'gate-app' },
};

/** The same replay behaviour, proven on each store. */
export function describeReplayContract(name: string, setup: (deadLetters: DeadLetterMessage[]) => Promise<ReplayFixture>): void {
  describe(`replay of dead letters: ${name}`, () => {
    let fixture: ReplayFixture;
    beforeEach(async () => {
      fixture = await setup(DEAD_LETTERS);
    });
    afterEach(() => fixture.close());

    const options = (overrides: Partial<ReplayOptions> = {}): ReplayOptions => ({
      fromMicros: FROM,
      toMicros: TO,
      limit: 100,
      execute: false,
      problem: jsonPayloadProblem(flightEvents),
      clock: { nowMillis: () => 1_714_700_000_000 },
      ...overrides,
    });

    test('a dry run reports counts, causes and a sample, and publishes nothing', async () => {
      const report = await replayDeadLetters(fixture.backend, options());
      expect(report).toMatchObject({ executed: false, read: 5, truncated: false, filteredOut: 0, alreadyReplayed: 0, failedReplays: 1, duplicates: 1, stillRefused: 1, toReplay: 2, replayed: 0 });
      expect(report.causes).toEqual([
        { cause: 'Field gate does not exist in table flights', count: 1 },
        { cause: UNKNOWN_CAUSE, count: 1 },
      ]);
      expect(report.stillRefusedSample).toEqual([{ messageId: 'dl-3', problem: 'field status: expected string, got 5' }]);
      expect(report.sample.map((s) => s.messageId)).toEqual(['dl-1', 'dl-2']);
      expect(report.sample[0].data).toMatch(/^\{"event_id":"evt-1"/);
      expect(await fixture.published()).toEqual([]);
    });

    test('execute re-publishes with the producer attributes plus replay markers; a second run replays nothing', async () => {
      const first = await replayDeadLetters(fixture.backend, options({ execute: true }));
      expect(first).toMatchObject({ replayed: 2, toReplay: 2 });
      const afterFirst = await fixture.published();
      expect(afterFirst.map((p) => p.eventId).sort()).toEqual(['evt-1', 'evt-2']);
      for (const { eventId, attributes } of afterFirst) {
        expect(attributes).toEqual({
          ...PRODUCER_ATTRIBUTES[eventId],
          pipeline_replay_id: expect.stringMatching(/^[0-9a-f]{32}$/),
          pipeline_replay_of: eventId === 'evt-1' ? 'dl-1' : 'dl-2',
          pipeline_replay_generation: '1',
        });
      }

      const second = await replayDeadLetters(fixture.backend, options({ execute: true }));
      expect(second).toMatchObject({ replayed: 0, toReplay: 0, alreadyReplayed: 3, duplicates: 0 });
      expect(await fixture.published()).toEqual(afterFirst);
    });

    test('filters by cause and attribute; what a filter left out is replayed by a later run', async () => {
      const byCause = await replayDeadLetters(fixture.backend, options({ execute: true, reasonContains: 'gate does not exist' }));
      expect(byCause).toMatchObject({ filteredOut: 3, duplicates: 1, replayed: 1 });
      expect((await fixture.published()).map((p) => p.eventId)).toEqual(['evt-1']);
      const byAttribute = await replayDeadLetters(fixture.backend, options({ execute: true, attributes: { producer: 'gate-app' } }));
      expect(byAttribute).toMatchObject({ filteredOut: 4, replayed: 1 });
      expect((await fixture.published()).map((p) => p.eventId).sort()).toEqual(['evt-1', 'evt-2']);
    });

    test('a failed replay goes out again only when asked, as the next generation', async () => {
      const report = await replayDeadLetters(fixture.backend, options({ execute: true, includeFailedReplays: true }));
      expect(report).toMatchObject({ failedReplays: 0, replayed: 3 });
      const again = (await fixture.published()).find((p) => p.eventId === 'evt-4');
      expect(again?.attributes).toMatchObject({ pipeline_replay_of: 'dl-4', pipeline_replay_generation: '2' });
      expect(again?.attributes.pipeline_replay_id).not.toBe('abc');
    });

    test('says when the window holds more than the limit', async () => {
      const report = await replayDeadLetters(fixture.backend, options({ limit: 2 }));
      expect(report).toMatchObject({ read: 2, truncated: true });
    });
  });
}
