/**
 * The layering rules of docs/architecture.md, checked by `npm run lint` (dependency-cruiser).
 * A rule here is a rule of the code base: change the architecture doc with it.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Modules import each other in one direction only: a cycle means two capabilities that should be one, or a type in the wrong home.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment: 'src/domain/ holds the rules and knows nothing of the project around it, nor of Node: the dashboard imports it in the browser.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/' },
    },
    {
      name: 'engines-stand-alone',
      comment: 'An analytics engine reads crm_analytics_leads and computes; it does not know who writes the table (sync), who serves it (http, analytics service) or who starts it (app, cli).',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/(sync|http|analytics|app|cli|operations|reference|demo|lead-list)/' },
    },
    {
      name: 'http-talks-to-services',
      comment: 'HTTP plugins talk to services (src/analytics, src/reference, src/sync, src/operations …), never to the database layer or Kysely.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: ['^src/db/', '^node_modules/kysely/', '^node_modules/(better-sqlite3|mysql2|pg)/'] },
    },
    {
      name: 'db-is-a-layer-below',
      comment: 'src/db/ (Kysely, dialects, migrations) serves the capabilities; it imports none of them.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/(sync|engine|analytics|reference|operations|http|cli|app|demo|lead-list)/' },
    },
    {
      name: 'capabilities-below-the-edges',
      comment: 'Services never import the adapters at the edges (HTTP, CLI) nor the composition root.',
      severity: 'error',
      from: { path: '^src/(domain|db|sync|engine|analytics|reference|operations|demo|config|auth|logging|lead-list)/' },
      to: { path: '^src/(http|cli|app)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
