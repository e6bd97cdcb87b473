/**
 * The one DynamoDB document client of a container.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { metricsEnabled, recordCallMetrics } from './metrics';

let client: DynamoDBDocumentClient | undefined;
let base: DynamoDBClient | undefined;

/** The container's low-level client (shared with libraries that want one). */
export function baseClient(): DynamoDBClient {
  documentClient();
  return base!;
}

export function documentClient(): DynamoDBDocumentClient {
  if (!client) {
    const { dynamoDbEndpoint } = config();
    base = new DynamoDBClient({
      ...(dynamoDbEndpoint ? { endpoint: dynamoDbEndpoint } : {}),
      // The SDK retries throttling and 5xx itself; a few attempts keep tail latency bounded.
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000 },
    });
    if (metricsEnabled()) recordCallMetrics(base);
    client = DynamoDBDocumentClient.from(base, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }
  return client;
}
