import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * The end of the line for what could not be done: encrypted, TLS only, kept the longest
 * SQS allows (14 days) for an operator to look at and redrive. `role` says whose dead
 * letters it holds, for cdk-nag, which does not see every kind of dead-letter use.
 */
export function deadLetterQueue(scope: Construct, id: string, role: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: `This queue is itself a dead-letter queue: ${role}.` });
  return queue;
}
