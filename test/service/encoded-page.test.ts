import { pageBody } from '../../src/service/page-body';
import { EncodedPage } from '../../src/service/store/encoded-page';
import type { WireRecord } from '../../src/service/store/store';

describe('EncodedPage', () => {
  const records: WireRecord[] = [{ id: 'b', note: 'é "quoted"', n: null }, { id: 'a', nested: { x: [1, 2] } }];
  const encoded = JSON.stringify(records);

  test('decodes its records from the text on each read: a caller that changes what it read changes no other read', () => {
    const page = new EncodedPage(encoded);
    const first = page.records;
    expect(first).toEqual(records);
    first[0]!.id = 'changed';
    first.pop();
    expect(page.records).toEqual(records);
    expect(page.encodedRecords).toBe(encoded);
  });

  test('carries the next cursor when there is one, and none on the last page', () => {
    const cursor = { eventTimeMicros: '1700000000000000', tieBreaker: 'a' };
    expect(new EncodedPage(encoded, cursor).nextCursor).toEqual(cursor);
    expect(new EncodedPage(encoded).nextCursor).toBeUndefined();
  });

  test('is sent as the same bytes as the page it encodes', () => {
    expect(pageBody(new EncodedPage(encoded), 'c')).toBe(JSON.stringify({ records, nextCursor: 'c' }));
  });
});
