import { pageSlices, partitionsIn } from '../../src/service/store/page-slices';

const H = 3_600_000_000n;
const widths = (slices: Iterable<{ fromMicros: bigint; toMicros: bigint }>) => [...slices].map((s) => Number((s.toMicros - s.fromMicros) / H));

describe('page slices', () => {
  test('newest first: the part of the partition holding the upper bound, then 1, 2, 4, ... partitions, cut at from', () => {
    expect(widths(pageSlices(0n, 20n * H, H))).toEqual([1, 1, 2, 4, 8, 4]);
    expect(widths(pageSlices(0n, 20n * H + 1n, H)).length).toBe(6);
  });

  test('a widest width, asked before each further slice, caps the doubling (never below one partition)', () => {
    let widest = 100n;
    const slices = pageSlices(0n, 40n * H, H, () => widest);
    expect(widths([slices.next().value!, slices.next().value!, slices.next().value!])).toEqual([1, 1, 2]);
    widest = 3n;
    expect(widths([slices.next().value!, slices.next().value!])).toEqual([3, 3]);
    widest = 0n;
    expect(widths([slices.next().value!])).toEqual([1]);
  });

  test('partitionsIn counts the partitions a slice touches, before 1970 too', () => {
    expect(partitionsIn({ fromMicros: 0n, toMicros: H }, H)).toBe(1);
    expect(partitionsIn({ fromMicros: H - 1n, toMicros: H + 1n }, H)).toBe(2);
    expect(partitionsIn({ fromMicros: -H - 1n, toMicros: -H + 1n }, H)).toBe(2);
  });
});
