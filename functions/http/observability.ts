/**
 * Tracing and business metrics the AWS way, shared by every function: Powertools Tracer
 * (X-Ray segments for the handler and every DynamoDB call) and Metrics (CloudWatch EMF).
 * Outside Lambda they stay quiet: tracing is off unless in Lambda, and metrics are
 * disabled by `POWERTOOLS_METRICS_DISABLED` (set by the local runtime and the tests).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { MiddlewareObj } from '@middy/core';

export const SERVICE_NAME = 'calendar';

export const tracer = new Tracer({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ namespace: 'Calendar', serviceName: SERVICE_NAME });

/** The business events counted as metrics. */
export const businessMetric = {
  booked: () => metrics.addMetric('Bookings', MetricUnit.Count, 1),
  conflict: () => metrics.addMetric('BookingConflicts', MetricUnit.Count, 1),
  rejected: (reason: string) => {
    // One metric per reason keeps the dimensions of the request's other metrics intact.
    const single = metrics.singleMetric();
    single.addDimension('reason', reason);
    single.addMetric('Rejections', MetricUnit.Count, 1);
  },
  writeRetried: () => metrics.addMetric('TransactionRetries', MetricUnit.Count, 1),
};

/**
 * Publishes the request's metrics when it ends, as Powertools' `logMetrics` does, but only
 * when there are any: a read that counts nothing writes no empty-metrics warning.
 */
export function publishMetrics(): MiddlewareObj {
  const publish = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  // Stryker disable next-line StringLiteral: equivalent: middy hands a middleware's name only to profiling hooks, which no route uses
  return { name: 'publishMetrics', after: publish, onError: publish };
}
