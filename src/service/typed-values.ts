import { FieldDefinition } from '../schema/field';
import { WireScalar, parameterFactsOf } from '../schema/field-types';

/**
 * A value typed for its column from URL text (filters and keys), in wire form (../schema/field-types.ts says how for
 * each type). Undefined when the text is not a value of that type, or the type cannot be a key or a filter.
 */
export function parseTypedValue(field: FieldDefinition, text: string): WireScalar | undefined {
  return parameterFactsOf(field.type)?.parse(text);
}

/** What a valid value of the field looks like, for error messages. */
export function typeHint(field: FieldDefinition): string {
  return parameterFactsOf(field.type)?.hint ?? 'a string';
}
