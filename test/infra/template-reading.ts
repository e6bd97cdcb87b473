/**
 * Reading a synthesized stack's template in the infrastructure tests: resources by type,
 * the IAM statements of a role, a function's event source mapping, and whether a Lambda
 * event filter pattern matches a record.
 */
import type { CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';

export type Resource = { Type: string; Properties: Record<string, unknown> };
export type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string[]>>;
};

export const actionsOf = (statement: Statement) => [statement.Action].flat();

/** The statements among `statements` that grant any action with this prefix (`dynamodb:`). */
export const grantingPrefix = (statements: Statement[], prefix: string) =>
  statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith(prefix)));

export function templateReader(stack: Stack, template: Template) {
  const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const resources = (type: string) => Object.entries(template.findResources(type)) as [string, Resource][];
  return {
    idOf,
    resources,
    /** Every statement of the policies attached to the role of the function with this construct. */
    statementsOfRole(fn: { role?: { node: { defaultChild?: unknown } } }): Statement[] {
      const roleId = idOf(fn.role!);
      return resources('AWS::IAM::Policy')
        .filter(([, policy]) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
        .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    },
    /** The one event source mapping of the function with this logical id. */
    eventSourceMappingOf(functionId: string): Record<string, unknown> {
      const mappings = resources('AWS::Lambda::EventSourceMapping').filter(
        ([, resource]) => JSON.stringify(resource.Properties.FunctionName) === JSON.stringify({ Ref: functionId }),
      );
      expect(mappings).toHaveLength(1);
      return mappings[0]![1].Properties;
    },
  };
}

export type Pattern = { [key: string]: Pattern | readonly unknown[] };

/**
 * Whether a Lambda event filter pattern matches a record, for the pattern forms the stack
 * uses: a list of allowed values (plain, `{ prefix }` or `{ exists }`), or an object of
 * nested patterns (every key must match).
 */
export function matchesFilter(pattern: Pattern, value: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = (value as Record<string, unknown> | undefined)?.[key];
    if (!Array.isArray(expected)) return matchesFilter(expected as Pattern, actual);
    return expected.some((allowed: unknown) =>
      typeof allowed === 'object' && allowed !== null && 'prefix' in allowed
        ? typeof actual === 'string' && actual.startsWith((allowed as { prefix: string }).prefix)
        : typeof allowed === 'object' && allowed !== null && 'exists' in allowed
          ? (actual !== undefined) === (allowed as { exists: boolean }).exists
          : allowed === actual,
    );
  });
}
