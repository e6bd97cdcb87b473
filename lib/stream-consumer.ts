/**
 * What every function on the table's stream shares (the event publisher, the meeting
 * counter): the event source's settings, the cdk-nag acknowledgement its ListStreams
 * needs, and the alarms that tell when it falls behind, fails, or gives up.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type FilterCriteria, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * The function reads the table's stream in batches of up to 100 changes (a 1 s window). A
 * batch it cannot get through is retried, split in halves to isolate the failing change,
 * and finally recorded on `failureQueue`; only the changes `filters` let through invoke it.
 */
export function readStream(
  fn: IFunction,
  table: ITable,
  options: { failureQueue: Queue; filters: Array<ReturnType<typeof FilterCriteria.filter>>; parallelizationFactor: number },
): void {
  fn.addEventSource(
    new DynamoEventSource(table, {
      // Nothing already in the stream when the mapping is created is skipped.
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(1),
      parallelizationFactor: options.parallelizationFactor,
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: 10,
      // Half the stream's 24-hour retention: a change given up on for its age is still in
      // the stream for 12 more hours, where the failure message's sequence numbers find it.
      maxRecordAge: Duration.hours(12),
      onFailure: new SqsDlq(options.failureQueue),
      filters: options.filters,
    }),
  );
  // Reading a stream needs dynamodb:ListStreams, which takes no resource ARN; the stream's
  // own actions (DescribeStream, GetShardIterator, GetRecords) name the table's stream.
  const policy = fn.role?.node.tryFindChild('DefaultPolicy');
  if (policy) {
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams (needed by the stream event source) and X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; every other statement names its resource.',
    });
  }
}

/** The alarms of a stream consumer: behind for 5 minutes, any change given up on, whole batches failed. */
export function streamConsumerAlarms(
  scope: Construct,
  fn: IFunction,
  failureQueue: Queue,
  alarms: { iteratorAgeSeconds: number; behind: string; gaveUp: string; errorsId: string; errors: string },
): Alarm[] {
  const minute = Duration.minutes(1);
  const fiveMinutes = Duration.minutes(5);
  const above = (threshold: number) => ({
    threshold,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  return [
    new Alarm(scope, 'IteratorAgeAlarm', {
      alarmDescription: alarms.behind,
      metric: fn.metric('IteratorAge', { period: minute, statistic: 'Maximum' }),
      ...above(alarms.iteratorAgeSeconds * 1000),
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
    }),
    new Alarm(scope, 'FailureQueueAlarm', {
      alarmDescription: alarms.gaveUp,
      metric: failureQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
      ...above(0),
      evaluationPeriods: 1,
    }),
    new Alarm(scope, alarms.errorsId, {
      alarmDescription: alarms.errors,
      metric: fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
      ...above(0),
      evaluationPeriods: 1,
    }),
  ];
}
