/**
 * Business metrics the AWS way, shared by every function: Powertools Metrics (CloudWatch
 * EMF), disabled outside Lambda by `POWERTOOLS_METRICS_DISABLED` (set by the local runtime
 * and the tests). Traces come from Lambda's active tracing (each invocation's segment in
 * X-Ray), not from an X-Ray SDK in the bundle: that SDK tracks every promise through
 * async hooks, which made each asynchronous step about 2.7 times slower (see README
 * "Performance").
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';

export const SERVICE_NAME = 'calendar';

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
