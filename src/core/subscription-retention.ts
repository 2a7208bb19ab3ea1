/**
 * How long this library's Pub/Sub subscriptions keep a message they have not delivered: 31 days, Pub/Sub's longest.
 * The subscriptions are created with it and the dead-letter backlog alert is sized against it.
 */
export const SUBSCRIPTION_RETENTION_SECONDS = 31 * 86400;
