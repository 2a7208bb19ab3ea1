import { FieldDefinition, FieldType } from '../schema/field';
import { canonicalNumeric } from './numeric';
import { dateToEpochDays, epochDaysToDate, int64ToWire, isoToMicros, microsToIso } from './wire';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A value typed for its column from URL text (filters and keys), in wire form: STRING as is, INT64 a number when
 * safe else a decimal string, BOOLEAN true/false, DATE `YYYY-MM-DD`, TIMESTAMP canonical ISO 8601 with
 * microseconds, NUMERIC canonical text. Undefined when the text is not a value of that type.
 */
export function parseTypedValue(field: FieldDefinition, text: string): string | number | boolean | undefined {
  switch (field.type) {
    case FieldType.STRING:
      return text;
    case FieldType.INT64: {
      if (!/^-?\d{1,19}$/.test(text)) return undefined;
      const value = BigInt(text);
      return value < INT64_MIN || value > INT64_MAX ? undefined : int64ToWire(value);
    }
    case FieldType.BOOLEAN:
      return text === 'true' ? true : text === 'false' ? false : undefined;
    case FieldType.DATE: {
      const days = dateToEpochDays(text);
      return days === undefined ? undefined : epochDaysToDate(days);
    }
    case FieldType.TIMESTAMP: {
      const micros = isoToMicros(text);
      return micros === undefined ? undefined : microsToIso(micros);
    }
    case FieldType.NUMERIC:
      return canonicalNumeric(text);
    default:
      return undefined; // FLOAT64, JSON and RECORD columns cannot be clustering fields or keys
  }
}

/** What a valid value of the field looks like, for error messages. */
export function typeHint(field: FieldDefinition): string {
  switch (field.type) {
    case FieldType.INT64:
      return 'an integer';
    case FieldType.BOOLEAN:
      return 'true or false';
    case FieldType.DATE:
      return 'a date YYYY-MM-DD';
    case FieldType.TIMESTAMP:
      return 'an ISO 8601 timestamp with a zone, e.g. 2024-05-01T10:00:00Z';
    case FieldType.NUMERIC:
      return 'a decimal number, e.g. 12.5';
    default:
      return 'a string';
  }
}
