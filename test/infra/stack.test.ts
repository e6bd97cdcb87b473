import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { methodsOf, routes } from '../../functions/routes';
import { partitions } from '../../functions/store/items/partitions';
import { BUNDLE_TARGET, LAMBDA_RUNTIME, leadingKeyPattern, tableActions } from '../../lib/api-function';
import { CalendarStack, gatewayPath } from '../../lib/calendar-stack';

// Bundling is skipped: these tests read the template, not the code assets.
function synthesize() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new CalendarStack(app, 'TestStack', { timeZone: 'Asia/Kolkata' });
  return { app, stack, template: Template.fromStack(stack) };
}

const { stack, template } = synthesize();

type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = (type: string) => Object.entries(template.findResources(type)) as [string, Resource][];

/** The logical id of the function an entry of the route table became. */
function functionIdOf(name: string): string {
  return stack.getLogicalId(stack.functions[name]!.function.node.defaultChild as never);
}

type Statement = { Action: string | string[]; Condition?: Record<string, Record<string, string[]>> };

/** The DynamoDB statements of the function's role. */
function dynamoStatementsOf(name: string): Statement[] {
  const roleId = stack.getLogicalId(stack.functions[name]!.function.role!.node.defaultChild as never);
  return resources('AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles).includes(roleId))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('dynamodb:')));
}

/** Every DynamoDB action of the function's main grant (the one of its route's access level). */
function dynamoActionsOf(name: string): string[] {
  const [main] = dynamoStatementsOf(name);
  return main ? [main.Action].flat().sort() : [];
}

describe('the CDK stack', () => {
  it('has exactly one function per route entry, plus the fallback, the event publisher, the meeting counter and the webhook worker', () => {
    template.resourceCountIs('AWS::Lambda::Function', routes.length + 4);
  });

  it('wires every route of the table to its own function', () => {
    const routeKeys = resources('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);
    for (const route of routes) {
      // HEAD too wherever GET: calendar applications check a feed with it.
      for (const method of methodsOf(route)) expect(routeKeys).toContain(`${method} ${gatewayPath(route.path)}`);
      const integrationTarget = JSON.stringify(
        resources('AWS::ApiGatewayV2::Integration').map(([, integration]) => integration.Properties.IntegrationUri),
      );
      expect(integrationTarget).toContain(functionIdOf(route.name));
    }
    expect(routeKeys).toContain('$default');
    // Calendar applications check a feed with HEAD.
    expect(routeKeys).toEqual(expect.arrayContaining(['GET /api/calendar/{feed}', 'HEAD /api/calendar/{feed}']));
    expect(routeKeys).toHaveLength(routes.reduce((count, route) => count + methodsOf(route).length, 0) + 1);
  });

  it('traces every function with X-Ray, and grants nothing else on every resource but listing streams', () => {
    for (const [, fn] of resources('AWS::Lambda::Function')) expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    const wildcard = resources('AWS::IAM::Policy')
      .flatMap(
        ([, policy]) => (policy.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement,
      )
      .filter((statement) => statement.Resource === '*' || JSON.stringify(statement.Resource).includes('"*"'))
      .flatMap((statement) => [statement.Action].flat());
    expect(wildcard.length).toBeGreaterThan(0);
    // dynamodb:ListStreams is the stream consumers' (see events.test.ts and meeting-counting.test.ts).
    expect([...new Set(wildcard)].sort()).toEqual(['dynamodb:ListStreams', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('builds every bundle for the runtime it runs on', () => {
    expect(LAMBDA_RUNTIME.name).toBe(`nodejs${BUNDLE_TARGET.replace('node', '')}.x`);
  });

  it('runs every function on Node.js 22 or newer, on ARM64', () => {
    for (const [, fn] of resources('AWS::Lambda::Function')) {
      expect(fn.Properties.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
  });

  it('grants each function exactly the table access its route declares, and never Scan', () => {
    for (const route of routes) {
      const expected = route.access === 'none' ? [] : [...tableActions[route.access]].sort();
      expect({ route: route.name, actions: dynamoActionsOf(route.name) }).toEqual({ route: route.name, actions: expected });
    }
    expect(dynamoActionsOf('Fallback')).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('dynamodb:Scan');
    expect(JSON.stringify(template.toJSON())).not.toContain('"dynamodb:*"');
  });

  it('lets each function reach only the partitions its route declares (dynamodb:LeadingKeys)', () => {
    for (const route of routes.filter((entry) => entry.access !== 'none')) {
      const [main] = dynamoStatementsOf(route.name);
      const expected = route.partitions.map((name) => leadingKeyPattern(partitions[name])).sort();
      expect({
        route: route.name,
        keys: [...(main?.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? [])].sort(),
      }).toEqual({
        route: route.name,
        keys: expected,
      });
      expect(expected).not.toContain('*');
    }
    // Only the routes that log in or sign up may read the username guards (password hashes).
    expect(
      routes
        .filter((route) => route.partitions.includes('username'))
        .map((route) => route.name)
        .sort(),
    ).toEqual(['Login', 'SignUp']);
  });

  it("lets a read-only route write nothing but a token's expiry (renewal by use), and one that recognises no caller nothing", () => {
    for (const route of routes.filter((entry) => entry.access === 'read')) {
      const extra = dynamoStatementsOf(route.name).slice(1);
      if (!route.partitions.includes('token')) {
        expect({ route: route.name, extra }).toEqual({ route: route.name, extra: [] });
        continue;
      }
      expect(extra).toEqual([
        {
          Effect: 'Allow',
          Action: 'dynamodb:UpdateItem',
          Resource: expect.anything(),
          Condition: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TOKEN#*', 'USER#*'] },
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'expiresAt'] },
          },
        },
      ]);
    }
  });

  it('tells table-bound functions the table name and the zone, and no others the table', () => {
    for (const route of routes) {
      const variables = template.findResources('AWS::Lambda::Function')[functionIdOf(route.name)]!.Properties.Environment.Variables;
      expect(variables.TIME_ZONE).toBe('Asia/Kolkata');
      if (route.access === 'none') expect(variables.TABLE_NAME).toBeUndefined();
      else expect(variables.TABLE_NAME).toEqual({ Ref: stack.getLogicalId(stack.table.node.defaultChild as never) });
    }
  });

  it('defines the table: pk/sk strings, on demand, PITR, new and old images, TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it("has the keys-only indexes that list a user's meetings in time order, and the recount index", () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byMemberTime',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        {
          IndexName: 'byMemberStatusTime',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        {
          IndexName: 'byRecount',
          KeySchema: [
            { AttributeName: 'gsi3pk', KeyType: 'HASH' },
            { AttributeName: 'gsi3sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['countAs', 'counted'] },
        },
      ],
    });
  });

  it('throttles the stage, and the password routes tighter, and writes access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
      RouteSettings: {
        'POST /api/user/login': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        'POST /api/user/sign_up': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('alarms on the 5xx rate, p99 latency, throttling of the table and the functions, event publishing, meeting counting and webhook delivery', () => {
    const alarms = resources('AWS::CloudWatch::Alarm').map(([, alarm]) => String(alarm.Properties.AlarmDescription));
    expect(alarms).toEqual([
      expect.stringContaining('5xx'),
      expect.stringContaining('p99 latency'),
      expect.stringContaining('DynamoDB throttled'),
      ...['Fallback', ...routes.map((route) => route.name)].map((name) => `Lambda throttled invocations of ${name}`),
      expect.stringContaining('Domain events published more than 60 s after their change'),
      expect.stringContaining('given up on by the event publisher'),
      expect.stringContaining('Event publisher failed'),
      expect.stringContaining('Meeting counters more than 300 s behind'),
      expect.stringContaining('given up on by the meeting counter'),
      expect.stringContaining('Meeting counter failed'),
      expect.stringContaining('webhook dead-letter queue'),
      expect.stringContaining('Webhook worker failed'),
    ]);
  });

  it('allows no cross-origin calls unless origins are named, and then only those, with credentials', () => {
    expect(
      template.findResources('AWS::ApiGatewayV2::Api')[stack.getLogicalId(stack.api.node.defaultChild as never)]!.Properties
        .CorsConfiguration,
    ).toBeUndefined();
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const withCors = Template.fromStack(new CalendarStack(app, 'CorsStack', { corsOrigins: ['https://app.example.com'] }));
    withCors.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://app.example.com'], AllowCredentials: true }),
    });
    // Every method a route answers, DELETE included (webhooks and calendar feeds are deleted from browsers too).
    const cors = Object.values(withCors.findResources('AWS::ApiGatewayV2::Api'))[0]!.Properties.CorsConfiguration;
    expect([...new Set(routes.flatMap((route) => route.methods))].filter((method) => !cors.AllowMethods.includes(method))).toEqual([]);
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    const { app } = synthesize();
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.map((violation) => `${violation.ruleName}: ${JSON.stringify(violation.violatingResources)}`);
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });
});
