import * as fc from 'fast-check';
import { CURSOR_MAX_LENGTH, decodeCursor, encodeCursor, queryBinding } from '../../src/service/cursor';
import type { PageCursor, ResumePoint } from '../../src/service/store/store';

const keyset = { eventTimeMicros: '1714557600000002', tieBreaker: 'evt-7' };
const resume: ResumePoint = { jobId: 'job_0123abcd', location: 'europe-west1', rowOffset: 1000, sliceFromMicros: '1714521600000000', sliceToMicros: '1714557600000003', capped: false };
const binding = queryBinding({ fields: ['event_id', 'event_time'], filters: { airline: 'AF' } });
const wire = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const v2 = (...resumeItems: unknown[]) => wire([2, keyset.eventTimeMicros, keyset.tieBreaker, binding, ...resumeItems]);

describe('cursors', () => {
  test('v2 carries the keyset position, the binding and the resume point, and reads back the same', () => {
    const text = encodeCursor({ ...keyset, resume }, binding);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual({ cursor: { ...keyset, resume }, binding });
    expect(decodeCursor(encodeCursor(keyset, binding))).toEqual({ cursor: keyset, binding });
    const withoutLocation = { ...resume, location: undefined };
    delete withoutLocation.location;
    expect(decodeCursor(encodeCursor({ ...keyset, resume: withoutLocation }, binding))).toEqual({ cursor: { ...keyset, resume: withoutLocation }, binding });
  });

  test('v1 cursors (keyset only, no binding) are still read; without a binding the encoder writes v1', () => {
    const v1 = wire([1, keyset.eventTimeMicros, keyset.tieBreaker]);
    expect(decodeCursor(v1)).toEqual({ cursor: keyset });
    expect(encodeCursor({ ...keyset, resume })).toBe(v1);
  });

  test('the binding depends on fields and filters (typed), not on filter order', () => {
    expect(binding).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(queryBinding({ fields: ['a'], filters: { x: 1, y: 'b' } })).toBe(queryBinding({ fields: ['a'], filters: { y: 'b', x: 1 } }));
    expect(queryBinding({ fields: ['a'], filters: { x: 1 } })).not.toBe(queryBinding({ fields: ['a'], filters: { x: '1' } }));
    expect(queryBinding({ fields: ['a'], filters: {} })).not.toBe(queryBinding({ fields: ['a', 'b'], filters: {} }));
  });

  test('a resume point that would pass the length limit is left out: the keyset alone stays exact', () => {
    const long: PageCursor = { ...keyset, tieBreaker: 'k'.repeat(500), resume: { ...resume, jobId: 'j'.repeat(300) } };
    const text = encodeCursor(long, binding);
    expect(text.length).toBeLessThanOrEqual(CURSOR_MAX_LENGTH);
    expect(decodeCursor(text)).toEqual({ cursor: { eventTimeMicros: keyset.eventTimeMicros, tieBreaker: long.tieBreaker }, binding });
  });

  test.each([
    ['a job id with other characters', v2('job/../x', 'EU', 1, '0', '10', 0)],
    ['an empty job id', v2('', 'EU', 1, '0', '10', 0)],
    ['a location with other characters', v2('job_1', 'EU;x', 1, '0', '10', 0)],
    ['a negative offset', v2('job_1', 'EU', -1, '0', '10', 0)],
    ['a fractional offset', v2('job_1', 'EU', 1.5, '0', '10', 0)],
    ['an offset as text', v2('job_1', 'EU', '1', '0', '10', 0)],
    ['an offset beyond any result', v2('job_1', 'EU', 2_000_000_000, '0', '10', 0)],
    ['an empty slice', v2('job_1', 'EU', 1, '10', '10', 0)],
    ['a slice starting after the cursor', v2('job_1', 'EU', 1, '1714557600000003', '1714557600000004', 0)],
    ['a slice bound that is not a number', v2('job_1', 'EU', 1, '0x10', '20', 0)],
    ['capped as a boolean', v2('job_1', 'EU', 1, '0', '10', true)],
    ['a missing item', v2('job_1', 'EU', 1, '0', '10')],
    ['an extra item', v2('job_1', 'EU', 1, '0', '10', 0, 'x')],
    ['a binding of another length', wire([2, keyset.eventTimeMicros, keyset.tieBreaker, 'abc'])],
    ['no binding', wire([2, keyset.eventTimeMicros, keyset.tieBreaker])],
    ['v1 with extra items', wire([1, keyset.eventTimeMicros, keyset.tieBreaker, binding])],
    ['version 3', wire([3, keyset.eventTimeMicros, keyset.tieBreaker, binding])],
  ])('fails when a cursor has %s', (_name, text) => {
    expect(decodeCursor(text)).toBeUndefined();
  });

  test('every cursor the encoder writes reads back, whatever the position and resume point', () => {
    const point = fc.record({
      jobId: fc.stringMatching(/^[A-Za-z0-9_-]{1,60}$/),
      location: fc.constantFrom('US', 'EU', 'europe-west1'),
      rowOffset: fc.integer({ min: 0, max: 100_000 }),
      width: fc.bigInt({ min: 1n, max: 10n ** 12n }),
      below: fc.bigInt({ min: 0n, max: 10n ** 12n }),
      capped: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 253_402_300_799_999_999n }), fc.string({ maxLength: 100 }), point, (micros, tie, p) => {
        const sliceFrom = micros - p.below;
        const cursor: PageCursor = {
          eventTimeMicros: String(micros),
          tieBreaker: tie,
          resume: { jobId: p.jobId, location: p.location, rowOffset: p.rowOffset, sliceFromMicros: String(sliceFrom), sliceToMicros: String(sliceFrom + p.width), capped: p.capped },
        };
        expect(decodeCursor(encodeCursor(cursor, binding))).toEqual({ cursor, binding });
      }),
    );
  });
});
