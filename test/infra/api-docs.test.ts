import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { docsPageFiles } from '../../functions/api-docs/files';
import { CalendarStack } from '../../lib/calendar-stack';

// Bundling is skipped: these tests read the template (synth.test.ts checks the bundles and their files).
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new CalendarStack(app, 'DocsStack');
const template = Template.fromStack(stack);

type Resource = { Properties: Record<string, unknown> };
const functionOf = (name: string) =>
  template.findResources('AWS::Lambda::Function')[
    stack.getLogicalId(stack.functions[name]!.function.node.defaultChild as never)
  ] as Resource;
const variablesOf = (name: string) => (functionOf(name).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

describe('the API description and docs functions', () => {
  it.each(['OpenApi', 'ApiDocs', 'ApiDocsAsset'])('%s has no table, and its role no DynamoDB action', (name) => {
    expect(variablesOf(name)).not.toHaveProperty('TABLE_NAME');
    const roleId = stack.getLogicalId(stack.functions[name]!.function.role!.node.defaultChild as never);
    const actions = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
      .flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => !action.startsWith('logs:') && !action.startsWith('xray:'))).toEqual([]);
  });

  it("tells only the files function where Swagger UI's files are: the folder beside its bundle", () => {
    expect(variablesOf('ApiDocsAsset').DOCS_FILES_DIR).toBe(docsPageFiles.into);
    expect(variablesOf('ApiDocs')).not.toHaveProperty('DOCS_FILES_DIR');
    expect(variablesOf('OpenApi')).not.toHaveProperty('DOCS_FILES_DIR');
  });

  it('routes GET /api/openapi.json, /api/docs and /api/docs/{asset} to them', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties.RouteKey);
    expect(keys).toEqual(expect.arrayContaining(['GET /api/openapi.json', 'GET /api/docs', 'GET /api/docs/{asset}']));
  });
});
