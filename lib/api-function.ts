import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { Partition, TableAccess } from '../functions/routes';
import { partitions } from '../functions/store/items/partitions';
import { tableDefinition } from '../functions/store/table-definition';

/** What each access level may do to the table. Never Scan; transactions need these item actions. */
export const tableActions: Record<Exclude<TableAccess, 'none'>, string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  readwrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

/** A partition's LeadingKeys pattern: every key with its prefix, or the one key it names. */
export const leadingKeyPattern = (prefix: string) => (prefix.endsWith('#') ? `${prefix}*` : prefix);

export interface ApiFunctionProps {
  /** Directory holding the handler modules. */
  functionsDir: string;
  /** Module under `functionsDir` exporting `handler`, without extension. */
  handlerModule: string;
  /** IANA zone of the service. @default 'UTC' */
  timeZone?: string;
  /** @default 512 */
  memorySize?: number;
  /** @default Duration.seconds(10) */
  timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  logRetention?: RetentionDays;
  /**
   * Files the handler reads at run time, copied from `from` into the folder `into` beside
   * the bundle (never inlined into it), which the variable `setting` names; `build`, when
   * given, makes them first, run in `root`. @default none
   */
  files?: { from: string; names: readonly string[]; into: string; setting: string; build?: string; root: string };
}

/** The Lambda runtime, and the bundle's target that matches it. */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;
export const BUNDLE_TARGET = 'node24';

/**
 * A Lambda function with this service's defaults baked in: Node.js 24 (the latest Lambda
 * runtime) with a bundle built for it, ARM64, minified ESM with source maps built by the
 * local esbuild, X-Ray tracing active, its own log group and a role that may write only
 * to that log group (and send traces) until `bindTable` grants more.
 */
export class ApiFunction extends Construct {
  readonly function: NodejsFunction;
  private readonly role: Role;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.role.addToPolicy(
      new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(props.functionsDir, `${props.handlerModule}.ts`),
      handler: 'handler',
      runtime: LAMBDA_RUNTIME,
      tracing: Tracing.ACTIVE,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        TIME_ZONE: props.timeZone ?? 'UTC',
        POWERTOOLS_SERVICE_NAME: 'calendar',
        POWERTOOLS_METRICS_NAMESPACE: 'Calendar',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        minify: true,
        sourceMap: true,
        // The SDK's parts the functions use (`@aws-sdk/util-dynamodb`) are bundled, pinned
        // to the version tested here, not taken from the runtime's copy.
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        banner: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
        esbuildArgs: {
          // Text as UTF-8, not \uXXXX escapes: six bytes a character instead of two or three
          // (sign-up's table of look-alike characters alone holds 12,000). The construct's own
          // `charset` option is not passed on to esbuild by this version of aws-cdk-lib.
          '--charset': 'utf8',
        },
        ...(props.files && { commandHooks: copyFiles(props.files) }),
      },
    });
    // Relative to the working directory, which Lambda sets to the bundle's folder.
    if (props.files) this.function.addEnvironment(props.files.setting, props.files.into);
    // Active tracing grants xray:PutTraceSegments and xray:PutTelemetryRecords, which
    // accept no resource ARN; every table grant of this role names its resources.
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions; table grants name their resources.',
      });
    }
  }

  /**
   * Tells the function its table and grants exactly the access level, on that table only,
   * and there only on the items of `partitions` (`dynamodb:LeadingKeys`). A function that
   * recognises callers may also extend a token's `expiresAt` (renewal by use) and nothing
   * else of it, even when its access is read-only.
   */
  bindTable(
    table: ITable,
    access: TableAccess,
    partitionNames: readonly Partition[],
    /** Narrower than the access level: only these item actions, on the table alone (no index). */
    only?: { actions: readonly string[] },
  ): void {
    if (access === 'none') return;
    this.function.addEnvironment('TABLE_NAME', table.tableName);
    // The table and each of its indexes by name (listing queries read the indexes).
    const indexes = only ? [] : tableDefinition.globalSecondaryIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`);
    const leadingKeys = (names: readonly Partition[]) => ({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': names.map((name) => leadingKeyPattern(partitions[name])) },
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: only ? [...only.actions] : tableActions[access],
        resources: [table.tableArn, ...indexes],
        conditions: leadingKeys(partitionNames),
      }),
    );
    if (access === 'read' && partitionNames.includes('token')) {
      this.role.addToPolicy(
        new PolicyStatement({
          actions: ['dynamodb:UpdateItem'],
          resources: [table.tableArn],
          conditions: {
            ...leadingKeys(['token', 'user']),
            'ForAllValues:StringEquals': {
              'dynamodb:Attributes': [tableDefinition.partitionKey, tableDefinition.sortKey, tableDefinition.timeToLiveAttribute],
            },
          },
        }),
      );
    }
  }
}

/** Bundling hooks that copy `files` beside the bundle once esbuild has written it. */
function copyFiles(files: NonNullable<ApiFunctionProps['files']>): ICommandHooks {
  const quote = (path: string) => `'${path.replace(/'/g, "'\\''")}'`;
  return {
    // Builds the files from the sources, so a fresh clone deploys without a separate step.
    beforeBundling: () => (files.build ? [`cd ${quote(files.root)} && ${files.build}`] : []),
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) => [
      `mkdir -p ${quote(join(outputDir, files.into))}`,
      ...files.names.map((name) => `cp ${quote(join(files.from, name))} ${quote(join(outputDir, files.into, name))}`),
    ],
  };
}
