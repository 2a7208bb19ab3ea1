import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { Field, FieldMode, RecordSchema, ServiceImage } from '../../src';

/** Synthesized Terraform JSON, read loosely: tests index into it by Terraform type and resource name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** A small record definition: a key, an event time, two clustering fields and a field the view may hide. */
export const orders = new RecordSchema({
  name: 'Order',
  fields: [
    Field.string('order_id', { mode: FieldMode.REQUIRED }),
    Field.timestamp('ordered_at', { mode: FieldMode.REQUIRED }),
    Field.string('country', { mode: FieldMode.REQUIRED }),
    Field.string('status'),
    Field.numeric('amount'),
    Field.string('customer_email'),
  ],
  eventTimeField: 'ordered_at',
  keyField: 'order_id',
  clusteringFields: ['country', 'status'],
});

/** A pinned image reference for tests. */
export const image = (): ServiceImage => ServiceImage.fromRegistry('europe-docker.pkg.dev/acme/apis/orders-api:1.4.2');

/** Synthesizes what `build` adds to a fresh stack: the JSON text for the matchers and its parsed form. */
export function synth(build: (scope: Construct) => void): { json: string; tf: Json } {
  const json = Testing.synthScope(build);
  return { json, tf: JSON.parse(json) };
}

/** The resources of one Terraform type, as a list. */
export function resourcesOf(tf: Json, type: string): Json[] {
  return Object.values(tf.resource?.[type] ?? {});
}

/** The Terraform address (`type.name`) of the single resource of `type` whose properties include `match`. */
export function addressOf(tf: Json, type: string, match: Record<string, unknown>): string {
  const hits = Object.entries(tf.resource?.[type] ?? {}).filter(([, r]: [string, Json]) =>
    Object.entries(match).every(([k, v]) => JSON.stringify(r[k]) === JSON.stringify(v)),
  );
  if (hits.length !== 1) throw new Error(`expected one ${type} matching ${JSON.stringify(match)}, found ${hits.length}`);
  return `${type}.${hits[0][0]}`;
}

/** Every IAM member resource of the output, with its type. */
export function iamGrants(tf: Json): { type: string; role: string; member: string; r: Json }[] {
  return Object.entries(tf.resource ?? {})
    .filter(([type]) => type.endsWith('_iam_member'))
    .flatMap(([type, rs]) => Object.values(rs as object).map((r: Json) => ({ type, role: r.role, member: r.member, r })));
}
