import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { webAppFiles } from '../../functions/web-app/files';
import { CalendarStack } from '../../lib/calendar-stack';

// Bundling is skipped: these tests read the template (synth.test.ts builds the bundles).
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new CalendarStack(app, 'WebAppStack');
const template = Template.fromStack(stack);

type Resource = { Properties: Record<string, unknown> };
const functionOf = (name: string) =>
  template.findResources('AWS::Lambda::Function')[
    stack.getLogicalId(stack.functions[name]!.function.node.defaultChild as never)
  ] as Resource;
const variablesOf = (name: string) => (functionOf(name).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

describe('the web calendar in the stack', () => {
  it('is served by the API itself, same origin as the calls it makes: GET / and GET /app/{asset}', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties.RouteKey);
    expect(keys).toEqual(expect.arrayContaining(['GET /', 'GET /app/{asset}']));
    // No second origin: no bucket and no distribution in front of it.
    expect(Object.keys(template.findResources('AWS::S3::Bucket'))).toEqual([]);
    expect(Object.keys(template.findResources('AWS::CloudFront::Distribution'))).toEqual([]);
  });

  it.each(['WebApp', 'WebAppAsset'])('%s has no table and no DynamoDB action, and finds the built files beside its bundle', (name) => {
    expect(variablesOf(name)).not.toHaveProperty('TABLE_NAME');
    expect(variablesOf(name).WEB_FILES_DIR).toBe(webAppFiles.into);
    const roleId = stack.getLogicalId(stack.functions[name]!.function.role!.node.defaultChild as never);
    const actions = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
      .flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => !action.startsWith('logs:') && !action.startsWith('xray:'))).toEqual([]);
  });

  it('passes the cdk-nag AwsSolutions checks, its functions included', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.map((violation) => `${violation.ruleName}: ${JSON.stringify(violation.violatingResources)}`);
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });
});
