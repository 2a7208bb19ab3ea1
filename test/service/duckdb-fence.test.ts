import fc from 'fast-check';
import { IndexFence, fencedRowids } from '../../src/service/store/duckdb-fence';

/** Rows in list order (time, then key, newest first), as the sorted index holds them at rowids 0..n-1. */
interface Row {
  readonly t: bigint;
  readonly k: number;
}

function fenceOf(rows: readonly Row[], stride: number): IndexFence {
  const times = new BigInt64Array(Math.ceil(rows.length / stride));
  for (let i = 0; i < times.length; i++) times[i] = rows[i * stride]!.t;
  return { stride, sortedRows: rows.length, times };
}

/** Rowids of the rows a page may return: in the window, after the cursor, and (unfiltered) the first `rows` of them. */
function pageRowids(rows: readonly Row[], q: { from: bigint; to: bigint; cursor?: Row; rows: number; filtered: boolean }): number[] {
  const matching = rows
    .map((row, rowid) => ({ row, rowid }))
    .filter(({ row }) => row.t >= q.from && row.t < q.to && (!q.cursor || row.t < q.cursor.t || (row.t === q.cursor.t && row.k < q.cursor.k)))
    .map(({ rowid }) => rowid);
  return q.filtered ? matching : matching.slice(0, q.rows);
}

const sortedRows = fc
  // Few distinct times: many rows share one, often across several posts.
  .array(fc.record({ t: fc.bigInt({ min: 0n, max: 12n }), k: fc.integer({ min: 0, max: 40 }) }), { maxLength: 150 })
  .map((rows) => {
    const unique = new Map(rows.map((r) => [`${r.t}/${r.k}`, r]));
    return [...unique.values()].sort((a, b) => (a.t === b.t ? b.k - a.k : a.t > b.t ? -1 : 1));
  });

describe('the fence of the sorted index', () => {
  test('the rowid range holds every row the page may return, whatever the window, cursor, ties and filters', () => {
    fc.assert(
      fc.property(
        sortedRows,
        fc.integer({ min: 1, max: 9 }),
        fc.bigInt({ min: -2n, max: 14n }),
        fc.bigInt({ min: 0n, max: 16n }),
        fc.option(fc.record({ t: fc.bigInt({ min: -1n, max: 14n }), k: fc.integer({ min: -1, max: 41 }) })),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        (rows, stride, from, span, cursor, pageRows, filtered) => {
          const q = { from, to: from + span, cursor: cursor ?? undefined, rows: pageRows, filtered };
          const range = fencedRowids(fenceOf(rows, stride), {
            fromMicros: q.from,
            toMicros: q.to,
            cursorMicros: q.cursor?.t,
            rows: q.rows,
            filtered: q.filtered,
          });
          for (const rowid of pageRowids(rows, q)) {
            expect(rowid).toBeGreaterThanOrEqual(range.from);
            expect(rowid).toBeLessThan(range.to);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('a page reads at most a stride more than it returns, wherever it starts in a long window', () => {
    const rows: Row[] = Array.from({ length: 10_000 }, (_, i) => ({ t: BigInt(10_000 - i), k: 0 }));
    const fence = fenceOf(rows, 64);
    const first = fencedRowids(fence, { fromMicros: 0n, toMicros: 20_000n, rows: 101, filtered: false });
    expect(first).toEqual({ from: 0, to: 101, tail: 10_000 });
    const deep = fencedRowids(fence, { fromMicros: 0n, toMicros: 20_000n, cursorMicros: 5_000n, rows: 101, filtered: false });
    expect(deep.from).toBeGreaterThan(5_000 - 64);
    expect(deep.to - deep.from).toBeLessThanOrEqual(64 + 101);
    // Filtered, the range is the window's rows after the cursor: one day of a long index, not the index.
    const filtered = fencedRowids(fence, { fromMicros: 4_000n, toMicros: 20_000n, cursorMicros: 5_000n, rows: 101, filtered: true });
    expect(filtered.to - filtered.from).toBeLessThanOrEqual(1_000 + 2 * 64);
  });

  test('rows sharing one time across many posts stay in range after a cursor among them', () => {
    const rows: Row[] = [...Array.from({ length: 50 }, (_, i) => ({ t: 9n, k: 50 - i })), ...Array.from({ length: 50 }, (_, i) => ({ t: 5n, k: 50 - i }))];
    const fence = fenceOf(rows, 4);
    const range = fencedRowids(fence, { fromMicros: 0n, toMicros: 10n, cursorMicros: 9n, rows: 3, filtered: false });
    // After the cursor (9, k=10): the rows (9, 9..1) then (5, ...): rowids 41..49, then 50 on.
    expect(range.from).toBeLessThanOrEqual(41);
    expect(range.to).toBeGreaterThanOrEqual(44);
  });
});
