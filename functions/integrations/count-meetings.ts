/**
 * Lambda entry point on the table's stream: keeps each user's meeting counters up to date
 * with their meetings (see `stream-counter.ts`).
 */
import { logger } from '../http/logger';
import { services } from '../services';
import { createMeetingCounts } from '../store';
import { streamCounter } from './stream-counter';

const { dynamoDb, config } = services();

export const handler = streamCounter(createMeetingCounts(dynamoDb, config.tableName), (error, key) =>
  logger.warn('meeting entry not recounted (its change is read again)', { key, error }),
);
