import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EVENT_SOURCE } from '../../functions/integrations/eventbridge-transport';
import { routes } from '../../functions/routes';
import { tableActions } from '../../lib/api-function';
import { CalendarStack } from '../../lib/calendar-stack';
import { WEBHOOK_SECRET_CONTEXT } from '../../lib/webhook-delivery';

// Bundling is skipped: these tests read the template, not the code assets.
function synthesize() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new CalendarStack(app, 'TestStack', { timeZone: 'Asia/Kolkata' });
  return { app, stack, template: Template.fromStack(stack) };
}

const { app, stack, template } = synthesize();
const { webhooks } = stack;

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };

const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const queueId = idOf(webhooks.queue);
const deadLetterId = idOf(webhooks.deadLetterQueue);
const workerId = idOf(webhooks.worker.function);
const busId = idOf(stack.events.bus);
const ruleId = idOf(webhooks.rule);
const queueArn = { 'Fn::GetAtt': [queueId, 'Arn'] };

const resources = (type: string) => Object.entries(template.findResources(type)) as [string, Resource][];
const propertiesOf = (type: string, id: string) => template.findResources(type)[id]!.Properties as Record<string, unknown>;
const actionsOf = (statement: Statement) => [statement.Action].flat();
const roleIdOf = (fn: { role?: { node: { defaultChild?: unknown } } }) => idOf(fn.role!);

function statementsOfRole(roleId: string): Statement[] {
  return resources('AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}
const withPrefix = (statements: Statement[], prefix: string) =>
  statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith(prefix)));

const workerStatements = statementsOfRole(roleIdOf(webhooks.worker.function));
const environmentOf = (functionId: string) =>
  (propertiesOf('AWS::Lambda::Function', functionId).Environment as { Variables: Record<string, unknown> }).Variables;

const senderNames = ['PingWebhook', 'RedeliverWebhookDelivery'];
const sealerNames = ['CreateWebhook', 'RotateWebhookSecret'];
const keyId = idOf(webhooks.secretsKey);
const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };

describe('webhook delivery in the CDK stack', () => {
  describe('the queue and its dead-letter queue', () => {
    it('keeps events and attempts encrypted, and gives a message to the dead-letter queue after 30 receives', () => {
      expect(propertiesOf('AWS::SQS::Queue', queueId)).toMatchObject({
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] }, maxReceiveCount: 30 },
      });
    });

    it("hides a message received by the worker for longer than the worker's timeout (six times it)", () => {
      const { VisibilityTimeout } = propertiesOf('AWS::SQS::Queue', queueId);
      const { Timeout } = propertiesOf('AWS::Lambda::Function', workerId);
      expect(Timeout).toBe(60);
      expect(VisibilityTimeout).toBe(6 * 60);
    });

    it('keeps what it was given for 14 days in the dead-letter queue, longer than on the queue (a message keeps its first enqueue time)', () => {
      const queue = propertiesOf('AWS::SQS::Queue', queueId);
      const deadLetter = propertiesOf('AWS::SQS::Queue', deadLetterId);
      expect(deadLetter).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 60 * 60 });
      expect(deadLetter.RedrivePolicy).toBeUndefined();
      // Longer than the longest wait of an attempt (10 hours).
      expect(queue.MessageRetentionPeriod).toBeGreaterThan(10 * 60 * 60);
      expect(queue.MessageRetentionPeriod).toBeLessThan(deadLetter.MessageRetentionPeriod as number);
    });

    it.each([
      ['queue', () => queueId],
      ['dead-letter queue', () => deadLetterId],
    ])('the %s refuses every request not made over TLS', (_, id) => {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id() }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'sqs:*',
              Resource: { 'Fn::GetAtt': [id(), 'Arn'] },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ]),
        },
      });
    });
  });

  describe('the rule', () => {
    it("puts every event of the service on the stack's bus (source calendar.booking) on the queue, and what it cannot on the dead-letter queue", () => {
      expect(propertiesOf('AWS::Events::Rule', ruleId)).toMatchObject({
        EventBusName: { Ref: busId },
        EventPattern: { source: [EVENT_SOURCE] },
        State: 'ENABLED',
        Targets: [{ Arn: queueArn, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] } } }],
      });
      expect(EVENT_SOURCE).toBe('calendar.booking');
      expect(resources('AWS::Events::Rule').filter(([, rule]) => JSON.stringify(rule.Properties.Targets).includes(queueId))).toHaveLength(
        1,
      );
    });

    it('is the only one allowed to send to the queue besides the worker and the delivery routes: EventBridge, for this rule only', () => {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
              Resource: queueArn,
              Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
            },
          ]),
        },
      });
    });
  });

  describe('the worker', () => {
    it('reads the queue in batches of up to 10, reporting failed messages one by one, with bounded concurrency', () => {
      const mappings = resources('AWS::Lambda::EventSourceMapping').filter(
        ([, mapping]) => JSON.stringify(mapping.Properties.FunctionName) === JSON.stringify({ Ref: workerId }),
      );
      expect(mappings).toHaveLength(1);
      expect(mappings[0]![1].Properties).toEqual({
        FunctionName: { Ref: workerId },
        EventSourceArn: queueArn,
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 20 },
      });
    });

    it('is told the table, the queue and the zone, on Node.js 24, ARM64, traced', () => {
      expect(propertiesOf('AWS::Lambda::Function', workerId)).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
      expect(environmentOf(workerId)).toMatchObject({
        TABLE_NAME: { Ref: idOf(stack.table) },
        WEBHOOK_QUEUE_URL: { Ref: queueId },
        TIME_ZONE: 'Asia/Kolkata',
      });
    });

    it('may read and write the webhook partition of the table only (LeadingKeys WEBHOOK#*)', () => {
      expect(withPrefix(workerStatements, 'dynamodb:')).toEqual([
        {
          Effect: 'Allow',
          Action: tableActions.readwrite,
          Resource: expect.arrayContaining([{ 'Fn::GetAtt': [idOf(stack.table), 'Arn'] }]),
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['WEBHOOK#*'] } },
        },
      ]);
    });

    it('may consume, send to and put back messages of its queue, and nothing of any other queue', () => {
      const sqs = withPrefix(workerStatements, 'sqs:');
      for (const statement of sqs) expect(statement.Resource).toEqual(queueArn);
      expect([...new Set(sqs.flatMap(actionsOf))].sort()).toEqual(
        [
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:ReceiveMessage',
          'sqs:SendMessage',
        ].sort(),
      );
    });

    it("is granted nothing else than its logs, traces, the table, the queue and the secrets' key", () => {
      const prefixes = new Set(workerStatements.flatMap(actionsOf).map((action) => action.split(':')[0]));
      expect([...prefixes].sort()).toEqual(['dynamodb', 'kms', 'logs', 'sqs', 'xray']);
    });
  });

  describe('the routes that hand attempts over (ping, redeliver)', () => {
    it('are exactly the ones the route table marks as sending deliveries', () => {
      expect(
        routes
          .filter((route) => route.sendsDeliveries)
          .map((route) => route.name)
          .sort(),
      ).toEqual(senderNames);
    });

    it.each(senderNames)('%s is told the queue and may only send to it', (name) => {
      const fn = stack.functions[name]!.function;
      expect(environmentOf(idOf(fn)).WEBHOOK_QUEUE_URL).toEqual({ Ref: queueId });
      expect(withPrefix(statementsOfRole(roleIdOf(fn)), 'sqs:')).toEqual([
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn },
      ]);
    });

    it('no other route is told the queue or may touch it', () => {
      for (const route of routes.filter((entry) => !senderNames.includes(entry.name))) {
        const fn = stack.functions[route.name]!.function;
        expect({ route: route.name, url: environmentOf(idOf(fn)).WEBHOOK_QUEUE_URL }).toEqual({ route: route.name, url: undefined });
        expect({ route: route.name, sqs: withPrefix(statementsOfRole(roleIdOf(fn)), 'sqs:') }).toEqual({ route: route.name, sqs: [] });
      }
    });
  });

  describe("the signing secrets' key", () => {
    it('is the one KMS key of the stack: symmetric, rotated, described, and kept when the stack is deleted', () => {
      const keys = resources('AWS::KMS::Key');
      expect(keys.map(([id]) => id)).toEqual([keyId]);
      const [, key] = keys[0]! as [string, Resource & { DeletionPolicy?: string; UpdateReplacePolicy?: string }];
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.UpdateReplacePolicy).toBe('Retain');
      expect(key.Properties).toMatchObject({ EnableKeyRotation: true, Description: expect.stringContaining('webhook') });
      expect(key.Properties.KeySpec ?? 'SYMMETRIC_DEFAULT').toBe('SYMMETRIC_DEFAULT');
      expect(key.Properties.KeyUsage ?? 'ENCRYPT_DECRYPT').toBe('ENCRYPT_DECRYPT');
    });

    it("is named by an alias under the stack's name", () => {
      expect(resources('AWS::KMS::Alias').map(([, alias]) => alias.Properties)).toEqual([
        { AliasName: 'alias/TestStack/webhook-secrets', TargetKeyId: keyArn },
      ]);
    });

    it("trusts only the account in its key policy, so that the functions' IAM policies decide who may use it", () => {
      const policy = propertiesOf('AWS::KMS::Key', keyId).KeyPolicy as { Statement: { Principal: unknown }[] };
      expect(policy.Statement.length).toBeGreaterThan(0);
      for (const statement of policy.Statement)
        expect(JSON.stringify(statement.Principal)).toMatch(/^\{"AWS":\{"Fn::Join":.*:root"\]\]\}\}$/);
    });

    it('is used by exactly the routes the route table marks as making secrets', () => {
      expect(
        routes
          .filter((route) => route.sealsSecrets)
          .map((route) => route.name)
          .sort(),
      ).toEqual(sealerNames);
    });

    it("lets the routes that make secrets only encrypt, the worker only decrypt, both under the secrets' encryption context, and no other role use KMS", () => {
      const isKms = (action: string) => action === '*' || action.toLowerCase().startsWith('kms:');
      const kmsByRole: Record<string, Statement[]> = {};
      for (const [, policy] of [...resources('AWS::IAM::Policy'), ...resources('AWS::IAM::ManagedPolicy')]) {
        const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.filter((statement) =>
          actionsOf(statement).some(isKms),
        );
        for (const role of (policy.Properties.Roles as { Ref: string }[] | undefined) ?? []) {
          if (statements.length > 0) (kmsByRole[role.Ref] ??= []).push(...statements);
        }
      }
      for (const [, role] of resources('AWS::IAM::Role')) {
        expect(JSON.stringify(role.Properties.Policies ?? [])).not.toMatch(/"kms:|"\*"/i);
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
      const onKey = (action: string) => [
        {
          Effect: 'Allow',
          Action: action,
          Resource: keyArn,
          Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'calendar-webhook-secret' } },
        },
      ];
      expect(kmsByRole).toEqual({
        [roleIdOf(stack.functions.CreateWebhook!.function)]: onKey('kms:Encrypt'),
        [roleIdOf(stack.functions.RotateWebhookSecret!.function)]: onKey('kms:Encrypt'),
        [roleIdOf(webhooks.worker.function)]: onKey('kms:Decrypt'),
      });
      expect(WEBHOOK_SECRET_CONTEXT).toEqual({ purpose: 'calendar-webhook-secret' });
    });

    it('is told (by its ARN) to the routes that make secrets and to the worker, and to no other function', () => {
      const told = resources('AWS::Lambda::Function')
        .filter(([id]) => environmentOf(id).WEBHOOK_SECRET_KEY_ID !== undefined)
        .map(([id]) => id);
      const expected = [...sealerNames.map((name) => stack.functions[name]!.function), webhooks.worker.function].map(idOf);
      expect(told.sort()).toEqual(expected.sort());
      for (const id of expected) expect(environmentOf(id).WEBHOOK_SECRET_KEY_ID).toEqual(keyArn);
    });
  });

  it('lets only the webhook routes and the worker reach the webhook partition, where the signing secrets are', () => {
    const readers = resources('AWS::IAM::Policy')
      .filter(([, policy]) => JSON.stringify(policy.Properties.PolicyDocument).includes('WEBHOOK#'))
      .map(([, policy]) => JSON.stringify(policy.Properties.Roles));
    const expected = [
      ...routes.filter((route) => route.path.startsWith('/api/webhooks/')).map((route) => stack.functions[route.name]!.function),
      webhooks.worker.function,
    ].map((fn) => JSON.stringify([{ Ref: roleIdOf(fn) }]));
    expect(readers.sort()).toEqual(expected.sort());
    expect(expected).toHaveLength(10);
  });

  describe('alarms', () => {
    const ownIds = webhooks.alarms.map((alarm) => idOf(alarm));
    const alarm = (metricName: string) => {
      const found = resources('AWS::CloudWatch::Alarm').filter(
        ([id, resource]) => ownIds.includes(id) && resource.Properties.MetricName === metricName,
      );
      expect(found).toHaveLength(1);
      return found[0]![1].Properties;
    };

    it('fires as soon as the dead-letter queue holds a message', () => {
      expect(alarm('ApproximateNumberOfMessagesVisible')).toMatchObject({
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetterId, 'QueueName'] } }],
        Statistic: 'Maximum',
        Threshold: 0,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    it('fires when the worker fails', () => {
      expect(alarm('Errors')).toMatchObject({
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: workerId } }],
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    });

    it("are among the stack's alarms", () => {
      expect(webhooks.alarms).toHaveLength(2);
      for (const webhookAlarm of webhooks.alarms) expect(stack.alarms).toContain(webhookAlarm);
    });
  });

  it('passes the cdk-nag AwsSolutions checks, acknowledging only the dead-letter queue having none of its own', () => {
    const report = new AwsSolutionsChecks(app).validateScope(webhooks);
    expect(report.violations).toEqual([]);
    const acknowledged = (scope: { node: { metadata: { type: string; data: unknown }[] } }) =>
      scope.node.metadata
        .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
        .flatMap((entry) => Object.keys(entry.data as object).map((id) => id.replace(/^annotation::/i, '')));
    expect(acknowledged(webhooks.deadLetterQueue)).toEqual(['AwsSolutions-SQS3']);
    expect(acknowledged(webhooks.queue)).toEqual([]);
    expect(acknowledged(webhooks)).toEqual([]);
    expect(acknowledged(webhooks.secretsKey)).toEqual([]);
  });
});
