/**
 * How a page walks its window: newest slice first, each slice aligned to the table's partitions, the first one only
 * the partition holding the page's upper bound, each further one twice as wide as the one before. A page stops at
 * the first slice that completes it, so the partitions it reads are those holding its rows plus at most as many
 * again (the doubling), whatever the window's length; and the walk needs log2(window / partition) queries at most.
 *
 * This is exact only because a key names an event whose copies share its event time (see the store contract): all
 * copies of an event lie in the same slice, so each slice is de-duplicated on its own.
 */

/** Microseconds per partition of the table's time partitioning. */
export enum PartitionGranularity {
  HOUR = 'HOUR',
  DAY = 'DAY',
}

/** Microseconds in one partition of each granularity (BigQuery's partitions are UTC hours or days). */
export const PARTITION_MICROS: Record<PartitionGranularity, bigint> = {
  [PartitionGranularity.HOUR]: 3_600_000_000n,
  [PartitionGranularity.DAY]: 86_400_000_000n,
};

/** One slice `[fromMicros, toMicros)` of a window. */
export interface Slice {
  readonly fromMicros: bigint;
  readonly toMicros: bigint;
}

/**
 * The slices of `[fromMicros, upperMicros)`, newest first: the part of the partition holding `upperMicros - 1`, then
 * 1, 2, 4, ... whole partitions, the last one cut at `fromMicros`. `widestPartitions`, asked before each further slice,
 * caps its width (the BigQuery store keeps a slice's rows under its row cap once it has seen how dense they are).
 */
export function* pageSlices(fromMicros: bigint, upperMicros: bigint, partitionMicros: bigint, widestPartitions?: () => bigint): Generator<Slice> {
  let to = upperMicros;
  let lower = floorTo(upperMicros - 1n, partitionMicros);
  let width = partitionMicros;
  while (to > fromMicros) {
    const from = lower > fromMicros ? lower : fromMicros;
    yield { fromMicros: from, toMicros: to };
    to = from;
    const widest = widestPartitions ? widestPartitions() * partitionMicros : width;
    if (widest < width) width = widest > partitionMicros ? widest : partitionMicros;
    lower = from - width;
    width *= 2n;
  }
}

/** The upper bound of a page's scan: the window's end, or just after the cursor's event time on later pages. */
export function pageUpperBound(toMicros: bigint, cursorEventTimeMicros?: string): bigint {
  if (cursorEventTimeMicros === undefined) return toMicros;
  const afterCursor = BigInt(cursorEventTimeMicros) + 1n;
  return afterCursor < toMicros ? afterCursor : toMicros;
}

/** How many partitions a slice touches. */
export function partitionsIn(slice: Slice, partitionMicros: bigint): number {
  return Number((floorTo(slice.toMicros - 1n, partitionMicros) - floorTo(slice.fromMicros, partitionMicros)) / partitionMicros) + 1;
}

/** `micros` rounded down to a multiple of `unit` (a partition boundary), for negative times too. */
export function floorTo(micros: bigint, unit: bigint): bigint {
  const remainder = ((micros % unit) + unit) % unit;
  return micros - remainder;
}

/**
 * A slice spanning more than one partition cut at a partition boundary near its middle, newer half first; undefined
 * for a slice within one partition. The store retries a slice BigQuery refused as too expensive (a refused query
 * bills nothing) as its two halves, so one request never needs more than one partition per query.
 */
export function splitSlice(slice: Slice, partitionMicros: bigint): [Slice, Slice] | undefined {
  const first = floorTo(slice.fromMicros, partitionMicros);
  if (first === floorTo(slice.toMicros - 1n, partitionMicros)) return undefined;
  let middle = floorTo(slice.fromMicros + (slice.toMicros - slice.fromMicros) / 2n, partitionMicros);
  if (middle <= slice.fromMicros) middle = first + partitionMicros;
  return [
    { fromMicros: middle, toMicros: slice.toMicros },
    { fromMicros: slice.fromMicros, toMicros: middle },
  ];
}
