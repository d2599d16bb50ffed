"""Railway API emulator for tests: a real HTTP server speaking the subset of Railway's public GraphQL API
that cartly-infra uses (schema.graphql, proven a subset of Railway's published schema by
tests/emulator/test_fake_railway_conformance.py), over an in-memory backend that tests script and inspect.
Strict: never kinder than Railway. Each behaviour below is stated once more, against both targets, in
tests/live/test_railway_assumptions_*.py.

Layers, like moto: backend.py composes state.py (storage, ids, clock, "<Type> not found") with one rule
module per noun (projects, services, variables, deployments, domains, tokens, volumes) plus requestlog.py,
faults.py and ratelimit.py; exchange.py answers one request; server.py is the HTTP server;
queries.py/mutations.py/views.py are the resolvers; pytest_plugin.py has the `fake_railway` fixture;
`python -m testkit.fake_railway` runs it standalone.

Imitated (always):
- Transport and errors: POST /graphql/v2; GraphQL errors with HTTP 200 and `data: null`; HTTP 400 for
  parse/validation failures; "Not Authorized" for missing, unknown or out-of-scope tokens.
- Projects, environments (copies with their instances, settings, credentials and variables; fork
  semantics), services, per-environment instance settings with Railway's defaults on read, variables with
  references, custom and service domains, project tokens, soft deletion, relay pagination.
- Deployments advance QUEUED → BUILDING → DEPLOYING → SUCCESS one step per read (or `tick()`).
  `serviceCreate` with an image and environment copies (unless skipInitialDeploys) deploy at once; a new
  deployment supersedes (REMOVED) ones in progress. Rollback is a NEW deployment of the old one's image
  that restores the old deployment's variables (docs guides/roll-back-bad-deploy.md).
- `region` reads back null; placement is `multiRegionConfig`, recorded in each deployment's
  `meta.serviceManifest.deploy` (the legacy `region` field places nothing).
- A custom domain's `dnsRecords` hold only the CNAME; `verificationDnsHost` is `_railway-verify.<domain>`
  and the token bare: only the TXT record in the CLI's form verifies it (`publish_txt`).
- Budgets per token: 10,000 requests/hour by default, or the plan's (`set_plan("HOBBY")`: 1,000/hour and
  10/second, 429 + Retry-After); Cloudflare's HTML 429 `error code: 1015` past 10/s without a query string.
- Volumes (volumes.py): volumeCreate (its environmentId taken literally: left out = every environment),
  volumeDelete, environment.volumeInstances; gone with their environment or service there.
- The deployed app: GET /apps/<domain>/<path> answers 200 {"status": "ok"} when the active deployment is
  healthy, 503 otherwise, 404 for an unknown domain.

Imitated when a test turns it on (Railway's timing, which a synchronous emulator cannot have by itself):
creation cool-downs as HTTP 200 "… too quickly" errors (`set_cooldown`); read lag, a new deployment missing
from list reads for a while (`set_read_lag`); a fresh domain answering 404 after the deploy succeeds
(`set_domain_warmup`); an environment copy completing only after some reads (`set_copy_lag`); private
registries whose images fail to pull without credentials (`set_private_registry`); registry credentials
refused off the Pro plan (`set_plan`); instance updates that deploy (`set_instance_update_deploys`);
scripted deploy outcomes (FAILED/CRASHED/HANG/unhealthy); transport faults (faults.py).

Not imitated: builds, logs, volume sizes/backups, TCP proxies, databases/plugins, cron, resource limits,
templates, staged changes and environment patches, sealed variables, the `deployment(id)` subscription
(graphql-transport-ws), approvals, sleeping, image retention, real DNS and certificates, account tokens and
`me`, more than one workspace, `before`/`last`/ordering arguments, project-token scoping of nested fields.
Messages Railway's docs do not show are our own ("Environment with name X already exists", "Service with
name X already exists", "Domain X is already in use", "Invalid region X", "Deployment cannot be rolled back",
"Variable X not found", "ServiceInstance not found", the Pro-plan refusal, the cool-down wording).

Assumed (unverified; change here if a live test disproves one): fork semantics as the schema describes;
ephemeral environments are never deleted by Railway; deleted objects answer "<Type> not found" (or "Not
Authorized" when `deleted_answer_not_authorized`); every variable write deploys unless skipDeploys
(variableDelete always); instance updates do not deploy unless turned on; a copy gets no domains; the
legacy `region` places nothing; errors carry no extensions.code.
"""
