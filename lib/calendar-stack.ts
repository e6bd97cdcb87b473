import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { fallbackRoute, routes } from '../functions/routes';
import { tableDefinition } from '../functions/store/table-definition';
import { ApiFunction } from './api-function';

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
  /** The project's root directory (holding `functions/` and `lib/`). @default the working directory */
  projectRoot?: string;
}

/**
 * The service: one DynamoDB table, one HTTP API, and one function per entry of the
 * route table (plus the fallback behind `$default`), each allowed only the table access
 * its entry declares.
 */
export class CalendarStack extends Stack {
  readonly table: Table;
  readonly api: HttpApi;
  readonly functions: Record<string, ApiFunction> = {};

  constructor(scope: Construct, id: string, props: CalendarStackProps = {}) {
    super(scope, id, props);
    const projectRoot = props.projectRoot ?? process.cwd();
    const functionsDir = join(projectRoot, 'functions');
    const credentialsProvider = join(projectRoot, 'lib', 'bundling', 'lambda-credentials.ts');

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
        projectionType: ProjectionType.KEYS_ONLY,
      });
    }

    const makeFunction = (name: string, handlerModule: string) =>
      (this.functions[name] = new ApiFunction(this, name, { functionsDir, credentialsProvider, handlerModule, timeZone: props.timeZone }));

    const fallback = makeFunction(fallbackRoute.name, fallbackRoute.handler);
    this.api = new HttpApi(this, 'Api', {
      description: 'Calendar booking API',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('FallbackIntegration', fallback.function),
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
      const fn = makeFunction(route.name, route.handler);
      fn.bindTable(this.table, route.access);
      const integration = new HttpLambdaIntegration(`${route.name}Integration`, fn.function);
      // API Gateway route paths carry no trailing slash; it serves both spellings.
      const added = this.api.addRoutes({
        path: gatewayPath(route.path),
        methods: route.methods.map((method) => HttpMethod[method]),
        integration,
      });
      if (route.throttle) {
        for (const method of route.methods) {
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

    // Every route authenticates in its function (token or session + CSRF), as the
    // contract requires; API Gateway authorizers cannot express session + CSRF.
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Authentication (token, or session cookie with CSRF) is done by the shared middleware of every function.',
    });

    new CfnOutput(this, 'ApiUrl', { value: stage.url ?? this.api.apiEndpoint });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }
}
