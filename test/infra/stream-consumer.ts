/**
 * What every function on the table's stream must have in the stack (`lib/stream-consumer.ts`):
 * its failure queue, its three alarms, and a clean cdk-nag report. Declared once, run for
 * the event publisher and the meeting counter alike.
 */
import type { App, CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import type { CalendarStack } from '../../lib/calendar-stack';

export interface StreamConsumer {
  /** The construct holding the consumer (its cdk-nag scope). */
  construct: Construct;
  fn: IFunction;
  failureQueue: Queue;
  alarms: Alarm[];
  /** The iteratorAge alarm's threshold. */
  iteratorAgeSeconds: number;
}

type Resource = { Type: string; Properties: Record<string, unknown> };

export function describeStreamConsumerUpkeep(app: App, stack: CalendarStack, template: Template, consumer: StreamConsumer): void {
  const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const queueId = idOf(consumer.failureQueue);
  const functionId = idOf(consumer.fn);
  const resources = (type: string) => Object.entries(template.findResources(type)) as [string, Resource][];

  describe('the failure queue', () => {
    it('is encrypted and keeps what it is given for 14 days', () => {
      const queue = template.findResources('AWS::SQS::Queue')[queueId]!.Properties as Record<string, unknown>;
      expect(queue.SqsManagedSseEnabled === true || queue.KmsMasterKeyId !== undefined).toBe(true);
      expect(queue.MessageRetentionPeriod).toBe(14 * 24 * 60 * 60);
    });

    it('refuses every request not made over TLS', () => {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'sqs:*',
              Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ]),
        },
      });
    });
  });

  describe('alarms', () => {
    const ownIds = consumer.alarms.map((alarm) => idOf(alarm));
    const alarm = (metricName: string) => {
      const found = resources('AWS::CloudWatch::Alarm').filter(
        ([id, resource]) => ownIds.includes(id) && resource.Properties.MetricName === metricName,
      );
      expect(found).toHaveLength(1);
      return found[0]![1].Properties;
    };

    it(`fires when the oldest change not yet handled is over ${consumer.iteratorAgeSeconds} s old for 5 minutes`, () => {
      expect(alarm('IteratorAge')).toMatchObject({
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 5,
        Threshold: consumer.iteratorAgeSeconds * 1000,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    it('fires as soon as the failure queue holds a message', () => {
      expect(alarm('ApproximateNumberOfMessagesVisible')).toMatchObject({
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Statistic: 'Maximum',
        Threshold: 0,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    it('fires when the function fails a whole batch', () => {
      expect(alarm('Errors')).toMatchObject({
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    it("are among the stack's alarms", () => {
      expect(consumer.alarms).toHaveLength(3);
      for (const own of consumer.alarms) expect(stack.alarms).toContain(own);
    });
  });

  it('passes the cdk-nag AwsSolutions checks, acknowledging only what has no narrower form', () => {
    const report = new AwsSolutionsChecks(app).validateScope(consumer.construct);
    expect(report.violations).toEqual([]);
    const acknowledged = (scope: { node: { metadata: { type: string; data: unknown }[] } }) =>
      scope.node.metadata
        .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
        .flatMap((entry) => Object.keys(entry.data as object).map((id) => id.replace(/^annotation::/i, '')));
    expect(acknowledged(consumer.failureQueue)).toEqual(['AwsSolutions-SQS3']);
    expect(acknowledged(consumer.construct)).toEqual([]);
    // The function's role: X-Ray (from ApiFunction) and ListStreams, the only `Resource: *` grants.
    const policy = consumer.fn.role!.node.tryFindChild('DefaultPolicy')!;
    expect(acknowledged(policy)).toEqual(['AwsSolutions-IAM5[Resource::*]', 'AwsSolutions-IAM5[Resource::*]']);
    const reasons = policy.node.metadata.flatMap((entry) => Object.values(entry.data as object) as string[]);
    expect(reasons.some((reason) => reason.includes('dynamodb:ListStreams'))).toBe(true);
  });
}
