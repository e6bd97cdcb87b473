import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EVENT_SOURCE } from '../../functions/integrations/eventbridge-transport';
import type { ItemType } from '../../functions/store/items/item';
import { readImage } from '../../functions/store/change-images';
import { EVENT_ITEM_TYPES } from '../../lib/event-publishing';
import { CalendarStack } from '../../lib/calendar-stack';
import { describeStreamConsumerUpkeep } from './stream-consumer';
import { actionsOf, grantingPrefix, matchesFilter, type Pattern, templateReader } from './template-reading';

// Bundling is skipped: these tests read the template, not the code assets.
function synthesize() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new CalendarStack(app, 'TestStack', { timeZone: 'Asia/Kolkata' });
  return { app, stack, template: Template.fromStack(stack) };
}

const { app, stack, template } = synthesize();
const { events } = stack;

const { idOf, resources, statementsOfRole, eventSourceMappingOf } = templateReader(stack, template);
const busId = idOf(events.bus);
const queueId = idOf(events.failureQueue);
const publisherId = idOf(events.publisher.function);
const tableId = idOf(stack.table);

const publisherRoleId = idOf(events.publisher.function.role!);
const publisherStatements = statementsOfRole(events.publisher.function);
/** The statements of the publisher that grant any of the actions with this prefix. */
const publisherStatementsFor = (prefix: string) => grantingPrefix(publisherStatements, prefix);
/** The publisher's event source mapping (the webhook worker has its own, see webhooks.test.ts). */
const mapping = () => eventSourceMappingOf(publisherId);
const matches = matchesFilter;

const streamRecord = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', type: ItemType) => {
  const image = { pk: { S: 'PK' }, sk: { S: 'SK' }, type: { S: type } };
  return {
    eventName,
    dynamodb: eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image, ...(eventName === 'MODIFY' ? { OldImage: image } : {}) },
  };
};

/** Every item kind of the table; the compiler insists that none is missing. */
const everyItemType: Record<ItemType, true> = {
  user: true,
  usernameGuard: true,
  skeletonGuard: true,
  emailGuard: true,
  token: true,
  session: true,
  credentialPointer: true,
  meetingCounts: true,
  countedSince: true,
  day: true,
  hour: true,
  meeting: true,
  membership: true,
  attempts: true,
  webhook: true,
  webhookCount: true,
  delivery: true,
  calendarFeed: true,
  calendarFeedPointer: true,
};

describe('domain events in the CDK stack', () => {
  describe('the bus and its archive', () => {
    it('publishes on one dedicated bus named after the stack, and outputs its name and ARN', () => {
      template.resourceCountIs('AWS::Events::EventBus', 1);
      template.hasResourceProperties('AWS::Events::EventBus', { Name: 'TestStack-events' });
      template.hasOutput('EventBusName', { Value: { Ref: busId } });
      template.hasOutput('EventBusArn', { Value: { 'Fn::GetAtt': [busId, 'Arn'] } });
    });

    it('archives every event of the service (source calendar.booking) on that bus for a year, for replay', () => {
      expect(EVENT_SOURCE).toBe('calendar.booking');
      template.resourceCountIs('AWS::Events::Archive', 1);
      template.hasResourceProperties('AWS::Events::Archive', {
        SourceArn: { 'Fn::GetAtt': [busId, 'Arn'] },
        EventPattern: { source: ['calendar.booking'] },
        RetentionDays: 365,
      });
    });
  });

  describe("the publisher's stream event source", () => {
    it("reads the table's stream from its oldest record, one batch of up to 100 at a time per shard", () => {
      expect(mapping()).toMatchObject({
        EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
        FunctionName: { Ref: publisherId },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        ParallelizationFactor: 1,
      });
      expect(mapping().MaximumBatchingWindowInSeconds).toBeLessThanOrEqual(5);
    });

    it('retries a failing batch a bounded number of times, bisecting it, and reports the records it could not publish', () => {
      expect(mapping()).toMatchObject({
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      // Given up on while the stream (24 hours) still holds the record, so it can be read again.
      expect(mapping().MaximumRecordAgeInSeconds).toBeGreaterThanOrEqual(60);
      expect(mapping().MaximumRecordAgeInSeconds).toBeLessThan(24 * 60 * 60);
    });

    it('records every batch it gives up on in the failure queue', () => {
      expect(mapping().DestinationConfig).toEqual({ OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } });
    });

    it('invokes the publisher only for inserts and modifications of meetings and day records', () => {
      const { Filters } = mapping().FilterCriteria as { Filters: { Pattern: string }[] };
      expect(Filters).toHaveLength(1);
      const pattern = JSON.parse(Filters[0]!.Pattern) as Pattern;
      expect(pattern).toEqual({ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { type: { S: ['meeting', 'day'] } } } });

      expect(matches(pattern, streamRecord('INSERT', 'meeting'))).toBe(true);
      expect(matches(pattern, streamRecord('MODIFY', 'meeting'))).toBe(true);
      expect(matches(pattern, streamRecord('INSERT', 'day'))).toBe(true);
      expect(matches(pattern, streamRecord('MODIFY', 'day'))).toBe(true);
      expect(matches(pattern, streamRecord('REMOVE', 'meeting'))).toBe(false);
      expect(matches(pattern, streamRecord('REMOVE', 'day'))).toBe(false);
      for (const type of Object.keys(everyItemType) as ItemType[]) {
        if (!EVENT_ITEM_TYPES.includes(type))
          expect({ type, matches: matches(pattern, streamRecord('MODIFY', type)) }).toEqual({ type, matches: false });
      }
    });

    it('filters out only changes the publisher would make no event of', () => {
      expect([...EVENT_ITEM_TYPES].sort()).toEqual(['day', 'meeting']);
      for (const type of Object.keys(everyItemType) as ItemType[]) {
        if (EVENT_ITEM_TYPES.includes(type)) continue;
        expect({ type, entity: readImage({ pk: 'PK', sk: 'SK', type, version: 1, modified: '2030-01-01T00:00:00Z' }) }).toEqual({
          type,
          entity: undefined,
        });
      }
    });
  });

  describe('the publisher function', () => {
    it('runs on Node.js 24 on ARM64, traced, and is told the bus and not the table', () => {
      const { Environment } = template.findResources('AWS::Lambda::Function')[publisherId]!.Properties as {
        Environment: { Variables: Record<string, unknown> };
      };
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Handler: 'index.handler',
        Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: { Ref: busId } }) },
      });
      expect(Environment.Variables.EVENT_BUS_NAME).toEqual({ Ref: busId });
      expect(Environment.Variables.TABLE_NAME).toBeUndefined();
    });

    it('is granted exactly: its logs, traces, PutEvents, the stream, and the failure queue', () => {
      expect(publisherStatements.flatMap(actionsOf).sort()).toEqual(
        [
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'events:PutEvents',
          'dynamodb:ListStreams',
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'sqs:SendMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
        ].sort(),
      );
      for (const statement of publisherStatements) expect(statement.Effect).toBe('Allow');
    });

    it('may put events on its own bus only', () => {
      expect(publisherStatementsFor('events:')).toEqual([
        { Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [busId, 'Arn'] } },
      ]);
      // No other role of the stack may publish on the bus.
      const putters = resources('AWS::IAM::Policy').filter(([, policy]) => JSON.stringify(policy.Properties).includes('events:PutEvents'));
      expect(putters.map(([, policy]) => policy.Properties.Roles)).toEqual([[{ Ref: publisherRoleId }]]);
    });

    it("may read the table's stream only, and no item of the table", () => {
      expect(publisherStatementsFor('dynamodb:')).toEqual([
        // ListStreams takes no resource ARN (acknowledged for cdk-nag on this policy).
        { Effect: 'Allow', Action: 'dynamodb:ListStreams', Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          Resource: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
        },
      ]);
      const actions = publisherStatements.flatMap(actionsOf);
      for (const itemAction of ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']) {
        expect(actions).not.toContain(`dynamodb:${itemAction}`);
      }
      expect(JSON.stringify(publisherStatements)).not.toContain(`"${tableId}","Arn"`);
    });

    it('may send to the failure queue only', () => {
      expect(publisherStatementsFor('sqs:')).toEqual([
        {
          Effect: 'Allow',
          Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
          Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
        },
      ]);
    });

    it('holds dynamodb:ListStreams, the one resource wildcard besides X-Ray, with the meeting counter only', () => {
      const holders = resources('AWS::IAM::Policy').filter(([, policy]) =>
        JSON.stringify(policy.Properties).includes('dynamodb:ListStreams'),
      );
      // The table's two stream consumers (the counter's grant: see meeting-counting.test.ts).
      const counterRoleId = idOf(stack.counting.counter.function.role!);
      expect(holders.map(([, policy]) => policy.Properties.Roles)).toEqual([[{ Ref: publisherRoleId }], [{ Ref: counterRoleId }]]);
      const wildcards = publisherStatements.filter((statement) => statement.Resource === '*').flatMap(actionsOf);
      expect(wildcards.sort()).toEqual(['dynamodb:ListStreams', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    });
  });

  describeStreamConsumerUpkeep(app, stack, template, {
    construct: events,
    fn: events.publisher.function,
    failureQueue: events.failureQueue,
    alarms: events.alarms,
    iteratorAgeSeconds: 60,
  });
});
