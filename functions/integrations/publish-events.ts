/**
 * Lambda entry point on the table's stream: publishes each committed change as a domain
 * event on the stack's EventBridge bus (see `stream-publisher.ts`).
 */
import { readSetting } from '../config';
import { logger } from '../http/logger';
import { AwsJsonClient } from '../store/aws-json';
import { eventBridgeTransport } from './eventbridge-transport';
import { streamPublisher } from './stream-publisher';

const eventBusName = readSetting('eventBusName', process.env);
if (!eventBusName) throw new Error('Missing required environment variable EVENT_BUS_NAME');
const client = new AwsJsonClient({ service: 'events', target: 'AWSEvents', version: '1.1' });

export const handler = streamPublisher(eventBridgeTransport(client, eventBusName), {
  onRefused: (event, error, attempt) =>
    logger.warn('event not accepted by the bus', { eventId: event.id, type: event.type, error, attempt }),
});
