import { block, defineRule, iamGrants, isExpression, isUnset, path, refersTo, Value } from '../attributes';
import { CheckedResource, RuleLevel, StackView } from '../rule';

const TOPIC = 'google_pubsub_topic';
const SUBSCRIPTION = 'google_pubsub_subscription';
const SERVICE_AGENT_DOMAIN = 'gcp-sa-pubsub.iam.gserviceaccount.com';

/** The dead-letter topic a subscription forwards to, as written (a reference or a literal id). */
function deadLetterTopicOf(subscription: CheckedResource): Value {
  return path(subscription.attributes, 'dead_letter_policy', 'dead_letter_topic');
}

/** Whether some subscription of the stack dead-letters into this topic. */
function isDeadLetterTopic(topic: CheckedResource, stack: StackView): boolean {
  return stack.ofType(SUBSCRIPTION).some((s) => refersTo(deadLetterTopicOf(s), topic, stack));
}

/** The topic of the stack a value names, if any. */
function topicNamed(value: Value, stack: StackView): CheckedResource | undefined {
  return stack.ofType(TOPIC).find((topic) => refersTo(value, topic, stack));
}

/** A subscription that retries a poison message forever. */
export const pubsubSubscriptionDeadLetter = defineRule({
  id: 'pubsub-subscription-dead-letter',
  level: RuleLevel.WARNING,
  explanation:
    'Without a dead-letter policy a message that can never be written (schema mismatch, a table it does not fit) is redelivered until retention drops it: it blocks nothing but is lost silently, and the retries cost money.',
  fix: 'Add dead_letter_policy with a dead-letter topic that a subscription reads into storage (BigQuerySubscription does). Subscriptions that read a dead-letter topic are exempt.',
  resourceTypes: [SUBSCRIPTION],
  check: (subscription, stack) => {
    if (!isUnset(deadLetterTopicOf(subscription))) return [];
    const topic = topicNamed(subscription.attributes.topic, stack);
    if (topic && isDeadLetterTopic(topic, stack)) return [];
    return ['the subscription has no dead_letter_policy'];
  },
});

/** A subscription Pub/Sub deletes after a period of inactivity. */
export const pubsubSubscriptionExpiry = defineRule({
  id: 'pubsub-subscription-expiry',
  level: RuleLevel.WARNING,
  explanation:
    'Without expiration_policy Pub/Sub deletes a subscription after 31 days without activity; a quiet period (a paused producer, a holiday) then silently disconnects the pipeline and every later message is lost.',
  fix: 'Set expiration_policy { ttl = "" } so the subscription never expires.',
  resourceTypes: [SUBSCRIPTION],
  check: (subscription) => {
    const policy = block(subscription.attributes.expiration_policy);
    if (policy === undefined) return ['expiration_policy is not set, so the subscription expires after 31 days of inactivity'];
    return policy.ttl === '' ? [] : [`expiration_policy.ttl is ${JSON.stringify(policy.ttl ?? null)}, not "" (never)`];
  },
});

/** A dead-letter topic of this stack that no subscription reads. */
export const pubsubDeadLetterUnread = defineRule({
  id: 'pubsub-dead-letter-unread',
  level: RuleLevel.ERROR,
  explanation:
    'Pub/Sub keeps a message only for the subscriptions that exist when it is published: dead letters forwarded to a topic nobody subscribes to are discarded (or, with topic retention, kept only until it ends): the silent loss dead-lettering is meant to prevent.',
  fix: 'Add a subscription on the dead-letter topic that stores the messages (BigQuerySubscription writes them into the dead-letter table). If it is read from another stack, suppress with that reason.',
  resourceTypes: [SUBSCRIPTION],
  check: (subscription, stack) => {
    const dlt = topicNamed(deadLetterTopicOf(subscription), stack);
    if (dlt === undefined) return [];
    const readers = stack.ofType(SUBSCRIPTION).filter((s) => refersTo(s.attributes.topic, dlt, stack));
    return readers.length === 0 ? [`dead-letter topic ${dlt.address} has no subscription`] : [];
  },
});

/** Dead-lettering configured without the grants the Pub/Sub service agent needs to do it. */
export const pubsubDeadLetterGrants = defineRule({
  id: 'pubsub-dead-letter-grants',
  level: RuleLevel.ERROR,
  explanation:
    'Pub/Sub forwards dead letters as its service agent (service-<project number>@gcp-sa-pubsub.iam.gserviceaccount.com). Without roles/pubsub.publisher on the dead-letter topic and roles/pubsub.subscriber on the source subscription, forwarding fails and the poison message keeps being redelivered until its retention ends.',
  fix: 'Grant the service agent roles/pubsub.publisher with google_pubsub_topic_iam_member on the dead-letter topic and roles/pubsub.subscriber with google_pubsub_subscription_iam_member on the subscription. If the grants are made elsewhere, suppress with that reason.',
  resourceTypes: [SUBSCRIPTION],
  check: (subscription, stack) => {
    const dltValue = deadLetterTopicOf(subscription);
    if (isUnset(dltValue)) return [];
    const problems: string[] = [];
    const publisherGranted = hasAgentGrant(stack, 'google_pubsub_topic', 'topic', 'roles/pubsub.publisher', (value) => sameTopic(value, dltValue, stack));
    if (!publisherGranted) problems.push(`no roles/pubsub.publisher for the Pub/Sub service agent on dead-letter topic ${describe(dltValue, stack)}`);
    const subscriberGranted = hasAgentGrant(stack, SUBSCRIPTION, 'subscription', 'roles/pubsub.subscriber', (value) => refersTo(value, subscription, stack));
    if (!subscriberGranted) problems.push('no roles/pubsub.subscriber for the Pub/Sub service agent on this subscription');
    return problems;
  },
});

/** A topic that accepts any bytes. */
export const pubsubTopicSchema = defineRule({
  id: 'pubsub-topic-schema',
  level: RuleLevel.WARNING,
  explanation:
    'Without a schema a topic accepts any payload; malformed messages are only discovered when the subscription fails to write them. A schema rejects them at publish time, where the producer sees the error.',
  fix: 'Attach a google_pubsub_schema with schema_settings (IngestTopic does, from the RecordSchema). Dead-letter topics are exempt: they must accept what failed.',
  resourceTypes: [TOPIC],
  check: (topic, stack) => {
    if (!isUnset(path(topic.attributes, 'schema_settings', 'schema'))) return [];
    return isDeadLetterTopic(topic, stack) ? [] : ['the topic has no schema_settings'];
  },
});

/** A topic that may store messages in any region. */
export const pubsubTopicStoragePolicy = defineRule({
  id: 'pubsub-topic-storage-policy',
  level: RuleLevel.WARNING,
  explanation:
    'Without message_storage_policy Pub/Sub stores each message in the region nearest to its publisher (within what the organization policy allows): events of a pipeline whose table is in the EU can rest in us-central1 for days (retention, backlog, dead letters). That breaks the data-residency promise the dataset location makes, silently, which is why this is a WARNING and not INFO; it is not an ERROR because an organization policy on resource locations can enforce the same.',
  fix: 'Set message_storage_policy.allowed_persistence_regions to the regions of the dataset location (IngestTopic does). If an organization policy (gcp.resourceLocations) constrains Pub/Sub storage already, suppress with that reason.',
  resourceTypes: [TOPIC],
  check: (topic) => {
    const regions = path(topic.attributes, 'message_storage_policy', 'allowed_persistence_regions');
    if (isExpression(regions) || (Array.isArray(regions) && regions.length > 0)) return [];
    return ['message_storage_policy.allowed_persistence_regions is not set: messages may be stored in any region'];
  },
});

/** Every Pub/Sub rule. */
export const pubsubRules = [
  pubsubSubscriptionDeadLetter,
  pubsubSubscriptionExpiry,
  pubsubDeadLetterUnread,
  pubsubDeadLetterGrants,
  pubsubTopicSchema,
  pubsubTopicStoragePolicy,
];

/** Whether two values name the same topic: the same resource of the stack, or the same literal. */
function sameTopic(value: Value, dltValue: Value, stack: StackView): boolean {
  const topic = topicNamed(dltValue, stack);
  if (topic) return refersTo(value, topic, stack);
  return typeof value === 'string' && typeof dltValue === 'string' && (value === dltValue || value.split('/').pop() === dltValue.split('/').pop());
}

function describe(value: Value, stack: StackView): string {
  return topicNamed(value, stack)?.address ?? String(value);
}

/**
 * Whether the stack grants `role` to the Pub/Sub service agent on the resource `matches` accepts (an `<kind>_iam_*`
 * resource), or on the whole project. A policy resource whose bindings are an expression counts as a grant: it cannot
 * be read at synth time.
 */
function hasAgentGrant(stack: StackView, kind: string, attribute: string, role: string, matches: (value: Value) => boolean): boolean {
  for (const resource of stack.resources) {
    const onResource = resource.type.startsWith(`${kind}_iam_`) && matches(resource.attributes[attribute]);
    const onProject = resource.type === 'google_project_iam_member' || resource.type === 'google_project_iam_binding';
    if (!onResource && !onProject) continue;
    if (onResource && resource.type.endsWith('_iam_policy') && iamGrants(resource).length === 0) return true;
    if (iamGrants(resource).some((g) => g.role === role && g.members.some((m) => isServiceAgent(m, stack)))) return true;
  }
  return false;
}

/** The Pub/Sub service agent, literally or through a `google_project_service_identity` for pubsub.googleapis.com. */
function isServiceAgent(member: Value, stack: StackView): boolean {
  if (typeof member !== 'string') return false;
  if (member.includes(SERVICE_AGENT_DOMAIN)) return true;
  const identity = stack.referencedResource(member);
  return identity?.type === 'google_project_service_identity' && identity.attributes.service === 'pubsub.googleapis.com';
}
