"""Railway API emulator for tests: a real HTTP server speaking the subset of Railway's public GraphQL API
that cartly-infra uses (schema.graphql, proven a subset of Railway's published schema by
tests/test_fake_railway_conformance.py), over an in-memory backend that tests script and inspect.

Layers, like moto: backend.py composes state.py (storage, ids, clock, "<Type> not found") with one rule
module per noun (projects, services, variables, deployments, domains, tokens) plus requestlog.py, faults.py
and ratelimit.py — pure Python, no HTTP. exchange.py turns one request into an answer; server.py is the
HTTP server (stdlib ThreadingHTTPServer); queries.py/mutations.py/views.py are the GraphQL resolvers;
pytest_plugin.py has the `fake_railway` fixture; `python -m testkit.fake_railway --port 4000 --token T` runs
it standalone; gql.py is a bare `requests` caller for self-tests.

Imitated:
- Transport: POST /graphql/v2 (any query string). GraphQL errors answer HTTP 200 with `{"data": null,
  "errors": [{"message", "locations", "path"}]}`. Parse/validation failures answer HTTP 400 with
  graphql-core's messages and extensions.code GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED (our
  judgment: Railway's backboard behaves like an Apollo server here; no live check was possible).
- Auth: workspace tokens (`Authorization: Bearer`), project tokens (`Project-Access-Token`); a missing or
  unknown token, or a project token outside its project/environment, gets "Not Authorized"; the
  `projectToken` query with an unknown header token gets "Project Token not found".
- Projects with a default environment ("production" unless defaultEnvironmentName); environments, ephemeral
  ones, copies from sourceEnvironmentId (service instances, their settings and registry credentials,
  service and shared variables); fork semantics for serviceCreate/serviceInstanceUpdate/serviceDelete;
  services; per-environment instance settings (omitted = unchanged, null = unset, Railway's defaults on
  read); variables (upsert, collection upsert with replace/skipDeploys, delete, rendered/unrendered reads
  with `${{...}}` references and the RAILWAY_* variables Railway provides); custom domains (CNAME + TXT
  `_railway-verify.<sub>` records, verified when a test says so); service domains
  (`<service>-<env>-<hex4>.up.railway.app`); project tokens; deployments (QUEUED → BUILDING → DEPLOYING →
  SUCCESS one step per `deployment(id)` read or `tick()`; scripted FAILED/CRASHED/HANG; the active
  deployment; canRollback; rollback, redeploy, cancel); soft deletion (deletedAt; "<Type> not found";
  excluded from lists); relay pagination with `first`/`after`.
- Rate limits: a per-token budget (default 10,000 per hour) with X-RateLimit-Limit/Remaining/Reset on every
  answer and 429 + Retry-After past it; Cloudflare's HTML 429 `error code: 1015` (no rate-limit headers)
  beyond 10 requests/second without a query string.
- Faults a test scripts (faults.py): 500/502/503/504, HTML 429, 429 + Retry-After, slow answers, connection
  reset after applying, "Problem processing request".
- Volumes (volumes.py): volumeCreate (its environmentId taken literally: left out = every environment),
  volumeDelete, environment.volumeInstances; gone with their environment or service there.
- The deployed app: GET /apps/<domain>/<path> answers 200 {"status": "ok"} when the service behind the
  domain has an active deployment that is healthy, 503 otherwise, 404 for an unknown domain.

Deliberately not imitated: account tokens and `me`, more than one workspace, 2FA; builds, repos, logs, volume
sizes/backups/migration, TCP proxies, databases/plugins, cron, resource limits, templates; staged changes and
environment patches/config; sealed variables; creation cool-downs and "Cannot redeploy yet"; plan limits
(domains per service, replicas); image retention for rollback; real DNS and certificates; healthcheck-gated
traffic switching (only a scripted FAILED/CRASHED deploy leaves the old deployment serving); `before`/`last`/
ordering arguments (accepted, ignored); project-token scoping of nested fields (a project token reading
`project { environments }` sees them all); subscriptions. Messages of errors Railway's docs do not show are
our own: "Environment with name X already exists", "Service with name X already exists", "Domain X is already
in use", "Invalid region X", "Deployment cannot be rolled back", "Variable X not found", "ServiceInstance not
found".

API.md's unverified behaviours assumed (change them here if a live test disproves one):
- Fork semantics as the schema text says (a fork environmentId: that environment only; non-fork or null:
  every non-fork environment). A service is deleted once no environment has an instance of it.
- Railway never deletes API-created ephemeral environments by itself.
- Deleted objects answer "<Type> not found"; a test sets `backend.deleted_answer_not_authorized` to get
  "Not Authorized" instead, which API.md says Railway also answers for them.
- Every variable write deploys the affected services unless skipDeploys (variableDelete always does); a
  shared variable write deploys every service of the environment that has an image source.
- serviceCreate with a source image deploys it in each environment it lands in; environmentCreate from a
  source deploys the copied services unless skipInitialDeploys; serviceInstanceUpdate never deploys.
- A copied environment gets no domains (custom or service) from its source.
- The Cloudflare 1015 limit, and Retry-After on every 429.
- deploymentRollback makes the earlier deployment active again in place (no new deployment).
- errors[].extensions.code is not set on GraphQL errors (only on the HTTP 400 validation answers).
"""
