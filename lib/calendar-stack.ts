import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { type CfnStage, CorsHttpMethod, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { readSetting } from '../functions/config';
import type { BundledFiles } from '../functions/api-docs/files';
import { fallbackRoute, methodsOf, routes } from '../functions/routes';
import { tableDefinition } from '../functions/store/table-definition';
import { ApiFunction } from './api-function';
import { corsPolicy } from './cors-policy';
import { EventPublishing } from './event-publishing';
import { MeetingCounting } from './meeting-counting';
import { WebhookDelivery } from './webhook-delivery';

/** The route table's path as an API Gateway route path: no trailing slash. */
export function gatewayPath(path: string): string {
  return path.replace(/\/+$/, '') || '/';
}

export interface CalendarStackProps extends StackProps {
  /** IANA time zone of the service. @default 'UTC' */
  timeZone?: string;
  /** Steady-state requests per second for the whole API stage. @default 200 */
  throttleRateLimit?: number;
  /** Burst of requests for the whole API stage. @default 400 */
  throttleBurstLimit?: number;
  /** Origins allowed to call the API from browsers. @default `CORS_ORIGINS`, else none */
  corsOrigins?: string[];
  /** p99 latency of the API, in milliseconds, above which the latency alarm fires. @default 1000 */
  latencyAlarmMs?: number;
  /** The project's root directory (holding `functions/` and `lib/`). @default the working directory */
  projectRoot?: string;
}

/**
 * The service: one DynamoDB table, one HTTP API, and one function per entry of the
 * route table (plus the fallback behind `$default`), each allowed only the table access
 * its entry declares; the table's changes are published as domain events on an
 * EventBridge bus (`EventPublishing`), and delivered from there to webhook subscribers
 * (`WebhookDelivery`).
 */
export class CalendarStack extends Stack {
  readonly table: Table;
  readonly api: HttpApi;
  readonly functions: Record<string, ApiFunction> = {};
  /** The table's changes as domain events on the service's EventBridge bus. */
  readonly events: EventPublishing;
  /** Each user's meeting counters, kept from the table's stream: the counter, its failure queue and alarms. */
  readonly counting: MeetingCounting;
  /** The bus's events to webhook subscribers: the queue, its worker and their alarms. */
  readonly webhooks: WebhookDelivery;
  /** The service's alarms: add actions (an SNS topic, a pager) where it is deployed. */
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: CalendarStackProps = {}) {
    super(scope, id, props);
    const projectRoot = props.projectRoot ?? process.cwd();
    const functionsDir = join(projectRoot, 'functions');

    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableDefinition.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDefinition.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of tableDefinition.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        ...('nonKeyAttributes' in index
          ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.nonKeyAttributes] }
          : { projectionType: ProjectionType.KEYS_ONLY }),
      });
    }

    const makeFunction = (name: string, handlerModule: string, files?: BundledFiles) =>
      (this.functions[name] = new ApiFunction(this, name, {
        functionsDir,
        handlerModule,
        timeZone: props.timeZone,
        ...(files && { files: { ...files, from: join(projectRoot, files.folder), root: projectRoot } }),
      }));

    const fallback = makeFunction(fallbackRoute.name, fallbackRoute.handler);
    const origins = props.corsOrigins ?? readSetting('corsOrigins', process.env);
    this.api = new HttpApi(this, 'Api', {
      description: 'Calendar booking API',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('FallbackIntegration', fallback.function),
      ...(origins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: origins,
              allowCredentials: true,
              allowMethods: corsPolicy.allowMethods.map((method) => CorsHttpMethod[method]),
              allowHeaders: [...corsPolicy.allowHeaders],
              exposeHeaders: [...corsPolicy.exposeHeaders],
              maxAge: Duration.seconds(corsPolicy.maxAgeSeconds),
            },
          }
        : {}),
    });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRateLimit ?? 200, burstLimit: props.throttleBurstLimit ?? 400 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });

    // RouteSettings is raw CloudFormation JSON (keyed by route): its keys are written as CloudFormation spells them.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of routes) {
      const fn = makeFunction(route.name, route.handler, route.files);
      fn.bindTable(this.table, route.access, route.partitions);
      const integration = new HttpLambdaIntegration(`${route.name}Integration`, fn.function);
      // API Gateway route paths carry no trailing slash; it serves both spellings.
      const added = this.api.addRoutes({
        path: gatewayPath(route.path),
        methods: methodsOf(route).map((method) => HttpMethod[method]),
        integration,
      });
      if (route.throttle) {
        for (const method of methodsOf(route)) {
          routeSettings[`${method} ${gatewayPath(route.path)}`] = {
            ThrottlingRateLimit: route.throttle.rateLimit,
            ThrottlingBurstLimit: route.throttle.burstLimit,
          };
        }
        // Route settings name routes that must exist before the stage is updated.
        for (const httpRoute of added) stage.node.addDependency(httpRoute);
      }
    }
    (stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
    this.handCursorSecret(routes.filter((route) => route.sealsCursors).map((route) => this.functions[route.name] as ApiFunction));

    // Every route authenticates in its function (token or session + CSRF), as the
    // contract requires; API Gateway authorizers cannot express session + CSRF.
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Authentication (token, or session cookie with CSRF) is done by the shared middleware of every function.',
    });

    this.addAlarms(stage, props.latencyAlarmMs ?? 1000);

    this.events = new EventPublishing(this, 'Events', { table: this.table, functionsDir, timeZone: props.timeZone });
    this.alarms.push(...this.events.alarms);

    this.counting = new MeetingCounting(this, 'Counting', {
      table: this.table,
      functionsDir,
      timeZone: props.timeZone,
    });
    this.alarms.push(...this.counting.alarms);

    this.webhooks = new WebhookDelivery(this, 'Webhooks', {
      table: this.table,
      bus: this.events.bus,
      functionsDir,
      timeZone: props.timeZone,
      senders: routes.filter((route) => route.sendsDeliveries).map((route) => this.functions[route.name] as ApiFunction),
      sealers: routes.filter((route) => route.sealsSecrets).map((route) => this.functions[route.name] as ApiFunction),
    });
    this.alarms.push(...this.webhooks.alarms);

    new CfnOutput(this, 'ApiUrl', { value: stage.url ?? this.api.apiEndpoint });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });
    new CfnOutput(this, 'EventBusArn', { value: this.events.bus.eventBusArn });
  }

  /**
   * Listing cursors are sealed under a secret of the deployment, generated once and handed
   * to the functions that list as `CURSOR_KEYS` (CloudFormation resolves it at deployment:
   * the template holds only a reference). To rotate it, put a new value first and keep the
   * old one after a comma while live links may still use it, then deploy again.
   */
  private handCursorSecret(listers: ApiFunction[]): void {
    const secret = new Secret(this, 'CursorSecret', {
      description: 'Seals listing cursors: comma-separated secrets, the first seals, every one opens.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    for (const lister of listers) lister.function.addEnvironment('CURSOR_KEYS', secret.secretValue.unsafeUnwrap());
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotated by hand with a grace period (the new value first, the old one kept after it), which automatic rotation cannot do.',
    });
  }

  /** 5xx rate, throttling (gateway, functions, table) and p99 latency. */
  private addAlarms(stage: HttpStage, latencyMs: number): void {
    const period = Duration.minutes(5);
    this.alarms.push(
      new Alarm(this, 'ServerErrorRateAlarm', {
        alarmDescription: 'More than 1% of requests answered 5xx over 5 minutes',
        metric: new MathExpression({
          expression: '100 * errors / MAX([requests, 1])',
          usingMetrics: {
            errors: stage.metricServerError({ period, statistic: 'Sum' }),
            requests: stage.metricCount({ period, statistic: 'Sum' }),
          },
          period,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'LatencyP99Alarm', {
        alarmDescription: `API p99 latency above ${latencyMs} ms for 15 minutes`,
        metric: stage.metricLatency({ period, statistic: 'p99' }),
        threshold: latencyMs,
        evaluationPeriods: 3,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'TableThrottleAlarm', {
        alarmDescription: 'DynamoDB throttled reads or writes',
        metric: new MathExpression({
          expression: 'reads + writes',
          usingMetrics: {
            reads: this.table.metric('ReadThrottleEvents', { period, statistic: 'Sum' }),
            writes: this.table.metric('WriteThrottleEvents', { period, statistic: 'Sum' }),
          },
          period,
        }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    // One per function: an alarm's metric math holds at most 10 metrics.
    for (const [name, fn] of Object.entries(this.functions)) {
      this.alarms.push(
        new Alarm(this, `${name}ThrottleAlarm`, {
          alarmDescription: `Lambda throttled invocations of ${name}`,
          metric: fn.function.metricThrottles({ period, statistic: 'Sum' }),
          threshold: 0,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
  }
}
