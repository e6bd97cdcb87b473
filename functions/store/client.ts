/**
 * The DynamoDB clients of a container: built once by the composition root, with the
 * timeouts and retries every store relies on.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface ClientOptions {
  /** Endpoint override, for DynamoDB Local. @default the region's endpoint */
  endpoint?: string;
}

export interface DynamoDbClients {
  /** The low-level client (for libraries that want one, and for instrumentation). */
  base: DynamoDBClient;
  document: DynamoDBDocumentClient;
}

export function createClients(options: ClientOptions = {}): DynamoDbClients {
  const base = new DynamoDBClient({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // The SDK retries throttling and 5xx itself; a few attempts keep tail latency bounded.
    maxAttempts: 3,
    // A call that outlasts its timeout fails (and is retried or answered 503) instead of
    // hanging on with a warning.
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  });
  const document = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  return { base, document };
}
