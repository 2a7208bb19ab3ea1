import type { Page } from './store/store';

/**
 * The JSON body of a list page, `{"records":[...],"nextCursor":"..."}`: the store's encoded records as they are when
 * it has them (the local index keeps them encoded), else the records encoded here. The same bytes either way.
 */
export function pageBody(page: Page, nextCursor?: string): string {
  const records = page.encodedRecords ?? JSON.stringify(page.records);
  return `{"records":${records}${nextCursor !== undefined ? `,"nextCursor":${JSON.stringify(nextCursor)}` : ''}}`;
}
