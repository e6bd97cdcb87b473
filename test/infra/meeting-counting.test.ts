import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { partitions } from '../../functions/store/items/partitions';
import { LAMBDA_RUNTIME, leadingKeyPattern } from '../../lib/api-function';
import { CalendarStack } from '../../lib/calendar-stack';
import { COUNTER_ACTIONS, COUNTER_PARTITIONS } from '../../lib/meeting-counting';
import { describeStreamConsumerUpkeep } from './stream-consumer';
import { actionsOf, grantingPrefix, matchesFilter, type Pattern, templateReader } from './template-reading';

// Bundling is skipped: these tests read the template, not the code assets.
function synthesize() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new CalendarStack(app, 'TestStack', { timeZone: 'Asia/Kolkata' });
  return { app, stack, template: Template.fromStack(stack) };
}

const { app, stack, template } = synthesize();
const { counting } = stack;

const { idOf, statementsOfRole, eventSourceMappingOf } = templateReader(stack, template);
const queueId = idOf(counting.failureQueue);
const counterId = idOf(counting.counter.function);
const tableId = idOf(stack.table);

/** Every statement of the policies attached to the counter's role. */
const counterStatements = statementsOfRole(counting.counter.function);
/** The statements of the counter that grant any of the actions with this prefix. */
const counterStatementsFor = (prefix: string) => grantingPrefix(counterStatements, prefix);
/** The counter's event source mapping. */
const mapping = () => eventSourceMappingOf(counterId);
const matches = matchesFilter;

const streamRecord = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', pk: string, sk: string, filed = true) => {
  const keys = { pk: { S: pk }, sk: { S: sk } };
  const image = { ...keys, type: { S: 'meeting' }, ...(filed ? { gsi3pk: { S: 'RECOUNT#u1' } } : {}) };
  return {
    eventName,
    dynamodb: {
      Keys: keys,
      ...(eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image, ...(eventName === 'MODIFY' ? { OldImage: image } : {}) }),
    },
  };
};

describe('meeting counting in the CDK stack', () => {
  describe("the counter's stream event source", () => {
    it("reads the table's stream from its oldest record, in batches of up to 100, two at a time per shard", () => {
      expect(mapping()).toMatchObject({
        EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
        FunctionName: { Ref: counterId },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 1,
        // Recounting does not depend on the order of changes; kept modest all the same.
        ParallelizationFactor: 2,
      });
    });

    it('retries a failing batch a bounded number of times, bisecting it, and reports the records it could not count', () => {
      expect(mapping()).toMatchObject({
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRecordAgeInSeconds: 12 * 60 * 60,
      });
      // Given up on while the stream (24 hours) still holds the record, so it can be read again.
      expect(mapping().MaximumRecordAgeInSeconds).toBeLessThan(24 * 60 * 60);
    });

    it('records every batch it gives up on in its own failure queue', () => {
      expect(mapping().DestinationConfig).toEqual({ OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } });
      expect(queueId).not.toBe(idOf(stack.events.failureQueue));
    });

    it("invokes the counter for every write of an entry in a meeting's partition, and for nothing else", () => {
      const { Filters } = mapping().FilterCriteria as { Filters: { Pattern: string }[] };
      expect(Filters).toHaveLength(1);
      const pattern = JSON.parse(Filters[0]!.Pattern) as Pattern;
      expect(pattern).toEqual({
        dynamodb: { Keys: { pk: { S: [{ prefix: 'MEETING#' }] } }, NewImage: { gsi3pk: { S: [{ exists: true }] } } },
      });
      expect(partitions.meeting).toBe('MEETING#');

      for (const eventName of ['INSERT', 'MODIFY'] as const) {
        expect(matches(pattern, streamRecord(eventName, 'MEETING#m1', 'MEETING'))).toBe(true);
        expect(matches(pattern, streamRecord(eventName, 'MEETING#m1', 'MEMBER#u2'))).toBe(true);
        // The counter's own write, which takes the entry off the recount list.
        expect(matches(pattern, streamRecord(eventName, 'MEETING#m1', 'MEETING', false))).toBe(false);
        for (const pk of ['USER#u1', 'MEMBER#u1', 'RECOUNT#u1', 'WEBHOOK#u1', 'TOKEN#t', 'IDEMPOTENCY', 'XMEETING#m1']) {
          expect({ eventName, pk, matches: matches(pattern, streamRecord(eventName, pk, 'MEETING')) }).toEqual({
            eventName,
            pk,
            matches: false,
          });
        }
      }
      // Removals are the counter's deletions of tombstones: nothing to count.
      expect(matches(pattern, streamRecord('REMOVE', 'MEETING#m1', 'MEMBER#u2'))).toBe(false);
    });
  });

  describe('the counter function', () => {
    it('runs on the runtime of the other functions, on ARM64, traced, for up to a minute, told the table and the zone', () => {
      const fn = template.findResources('AWS::Lambda::Function')[counterId]!.Properties as {
        Runtime: string;
        Architectures: string[];
        TracingConfig: unknown;
        Handler: string;
        Timeout: number;
        Environment: { Variables: Record<string, unknown> };
      };
      expect(fn).toMatchObject({
        Runtime: LAMBDA_RUNTIME.name,
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Handler: 'index.handler',
        Timeout: 60,
      });
      const publisher = template.findResources('AWS::Lambda::Function')[idOf(stack.events.publisher.function)]!.Properties;
      expect(fn.Runtime).toBe(publisher.Runtime);
      expect(fn.Environment.Variables.TABLE_NAME).toEqual({ Ref: tableId });
      expect(fn.Environment.Variables.TIME_ZONE).toBe('Asia/Kolkata');
      expect(fn.Environment.Variables.EVENT_BUS_NAME).toBeUndefined();
    });

    it('is granted exactly: its logs, traces, the bound table access, the stream, and the failure queue', () => {
      expect(counterStatements.flatMap(actionsOf).sort()).toEqual(
        [
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          ...COUNTER_ACTIONS,
          'dynamodb:ListStreams',
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'sqs:SendMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
        ].sort(),
      );
      for (const statement of counterStatements) expect(statement.Effect).toBe('Allow');
    });

    it('may reach the items of the MEETING# and USER# partitions only (dynamodb:LeadingKeys), and never Scan', () => {
      expect(COUNTER_PARTITIONS).toEqual(['meeting', 'user']);
      const itemStatements = counterStatements.filter((statement) =>
        actionsOf(statement).some((action) => COUNTER_ACTIONS.includes(action)),
      );
      expect(itemStatements).toHaveLength(1);
      const [items] = itemStatements;
      // What a recount does: read the entry, then one transaction of counter updates and the
      // entry's own update or deletion (a transaction's items need their item actions).
      expect(actionsOf(items!).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem']);
      expect(COUNTER_ACTIONS).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']));
      expect(items!.Condition).toEqual({
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MEETING#*', 'USER#*'] },
      });
      expect(items!.Condition!['ForAllValues:StringLike']!['dynamodb:LeadingKeys']).toEqual(
        COUNTER_PARTITIONS.map((name) => leadingKeyPattern(partitions[name])),
      );
      // On this table only (no index), never every resource.
      expect(JSON.stringify(items!.Resource)).toContain(`"${tableId}","Arn"`);
      expect(JSON.stringify(items!.Resource)).not.toContain('/index/');
      expect(items!.Resource).not.toBe('*');

      const actions = counterStatements.flatMap(actionsOf);
      expect(actions).not.toContain('dynamodb:Scan');
      expect(actions.filter((action) => action.includes('*'))).toEqual([]);
      // Nothing else of the table: no second item grant, no table-level actions.
      const dynamo = counterStatementsFor('dynamodb:').flatMap(actionsOf);
      expect(dynamo.sort()).toEqual(
        [...COUNTER_ACTIONS, 'dynamodb:ListStreams', 'dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'].sort(),
      );
    });

    it("may read the table's stream, and list streams (which takes no resource ARN)", () => {
      expect(
        counterStatementsFor('dynamodb:').filter((statement) => actionsOf(statement).some((action) => /Stream|Records|Shard/.test(action))),
      ).toEqual([
        { Effect: 'Allow', Action: 'dynamodb:ListStreams', Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          Resource: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
        },
      ]);
      const wildcards = counterStatements.filter((statement) => statement.Resource === '*').flatMap(actionsOf);
      expect(wildcards.sort()).toEqual(['dynamodb:ListStreams', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    });

    it('may send to its failure queue only', () => {
      expect(counterStatementsFor('sqs:')).toEqual([
        {
          Effect: 'Allow',
          Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
          Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
        },
      ]);
    });
  });

  describeStreamConsumerUpkeep(app, stack, template, {
    construct: counting,
    fn: counting.counter.function,
    failureQueue: counting.failureQueue,
    alarms: counting.alarms,
    iteratorAgeSeconds: 300,
  });
});
