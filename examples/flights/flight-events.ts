import { Field, FieldMode, RecordSchema } from '../../src';

const required = { mode: FieldMode.REQUIRED };

/** One event in a flight's life (scheduled, boarding, departed, arrived, delayed, cancelled), as an airline publishes it. */
export const flightEvents = new RecordSchema({
  name: 'FlightEvent',
  namespace: 'com.example.flights',
  description: 'One event in the life of a scheduled flight.',
  fields: [
    Field.string('event_id', { ...required, description: 'Unique id of this event; re-publishing the same id replaces it.' }),
    Field.timestamp('event_time', { ...required, description: 'When the event happened (UTC).' }),
    Field.string('airline', { ...required, description: 'IATA airline code, e.g. AF.' }),
    Field.string('flight_number', { ...required, description: 'Flight designator, e.g. AF1234.' }),
    Field.date('flight_date', { ...required, description: 'Scheduled departure date (local to the origin).' }),
    Field.string('origin', { ...required, description: 'IATA code of the departure airport.' }),
    Field.string('destination', { ...required, description: 'IATA code of the arrival airport.' }),
    Field.string('status', { ...required, description: 'SCHEDULED, BOARDING, DEPARTED, ARRIVED, DELAYED or CANCELLED.' }),
    Field.timestamp('scheduled_departure', { ...required, description: 'Scheduled off-block time.' }),
    Field.timestamp('actual_departure', { description: 'Actual off-block time, once departed.' }),
    Field.timestamp('scheduled_arrival', { ...required, description: 'Scheduled on-block time.' }),
    Field.timestamp('actual_arrival', { description: 'Actual on-block time, once arrived.' }),
    Field.int64('passengers', { description: 'Passengers on board.' }),
    Field.int64('delay_minutes', { description: 'Departure delay in minutes.' }),
    Field.float64('load_factor', { description: 'Share of seats sold, 0 to 1.' }),
    Field.numeric('revenue_eur', { description: 'Ticket revenue of the flight in euros.' }),
    Field.boolean('international', { ...required, description: 'Whether origin and destination are in different countries.' }),
    Field.record(
      'aircraft',
      [
        Field.string('registration', { ...required, description: 'Tail number, e.g. F-GKXA.' }),
        Field.string('model', { description: 'Aircraft type, e.g. A320.' }),
        Field.int64('seats', { description: 'Seats installed.' }),
      ],
      { description: 'The aircraft operating the flight.' },
    ),
    Field.string('delay_reasons', { mode: FieldMode.REPEATED, description: 'IATA delay codes, most significant first.' }),
    Field.json('details', { description: 'Free-form operational details (gate, crew notes).' }),
  ],
  eventTimeField: 'event_time',
  keyField: 'event_id',
  clusteringFields: ['airline', 'origin', 'destination', 'status'],
});

/** What third parties may read through the API: everything but the commercial figures (revenue, load factor). */
export const flightApiFields = flightEvents.fieldNames.filter((name) => name !== 'revenue_eur' && name !== 'load_factor');
