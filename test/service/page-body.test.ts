import { pageBody } from '../../src/service/page-body';
import type { WireRecord } from '../../src/service/store/store';

describe('pageBody', () => {
  const records: WireRecord[] = [{ id: 'b', note: 'é "quoted"', n: null }, { id: 'a', nested: { x: [1, 2] } }];

  test('writes what JSON.stringify writes for the page, with and without a next cursor', () => {
    expect(pageBody({ records })).toBe(JSON.stringify({ records }));
    expect(pageBody({ records }, 'abc_-1')).toBe(JSON.stringify({ records, nextCursor: 'abc_-1' }));
  });

  test('sends a store\'s encoded records as they are', () => {
    const encodedRecords = JSON.stringify(records);
    expect(pageBody({ records: [], encodedRecords }, 'c')).toBe(JSON.stringify({ records, nextCursor: 'c' }));
  });
});
