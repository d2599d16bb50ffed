"""Every GraphQL document cartly-infra sends to Railway, one named operation per constant.

Owns: the text of each query and mutation, grouped by the resource that sends it, so one test
(tests/test_operations.py) can validate them all against Railway's published schema and the emulator's SDL.
Deliberately not here: variables, retries, error handling (client.py) or what a resource does with the answer.
Selections ask only for fields the emulator implements (contract §2), none deprecated.
"""

# One fragment per object type that several documents return, so a read and a write can never disagree
# about the fields a resource builds its outputs from. A document that uses one ends with it.

_PROJECT_FIELDS = """
fragment ProjectFields on Project {
  id
  name
  description
  workspaceId
  deletedAt
  createdAt
  environments(first: 100) { edges { node { id name isEphemeral createdAt } } }
}
"""

_ENVIRONMENT_FIELDS = """
fragment EnvironmentFields on Environment {
  id name projectId isEphemeral deletedAt sourceEnvironment { id name }
}
"""

_SERVICE_FIELDS = """
fragment ServiceFields on Service { id name icon projectId deletedAt }
"""

# --- Project (project.py) -------------------------------------------------------------------------------

PROJECT = (
    """
query Project($id: String!) {
  project(id: $id) { ...ProjectFields }
}
"""
    + _PROJECT_FIELDS
)

PROJECTS = """
query Projects($workspaceId: String, $first: Int, $after: String) {
  projects(workspaceId: $workspaceId, first: $first, after: $after) {
    edges { node { id name description deletedAt } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

PROJECT_CREATE = (
    """
mutation ProjectCreate($input: ProjectCreateInput!) {
  projectCreate(input: $input) { ...ProjectFields }
}
"""
    + _PROJECT_FIELDS
)

PROJECT_UPDATE = """
mutation ProjectUpdate($id: String!, $input: ProjectUpdateInput!) {
  projectUpdate(id: $id, input: $input) { id name description }
}
"""

PROJECT_DELETE = """
mutation ProjectDelete($id: String!) {
  projectDelete(id: $id)
}
"""

# --- Environment (environment.py) -----------------------------------------------------------------------

ENVIRONMENT = (
    """
query Environment($id: String!, $projectId: String) {
  environment(id: $id, projectId: $projectId) { ...EnvironmentFields }
}
"""
    + _ENVIRONMENT_FIELDS
)

ENVIRONMENTS = """
query Environments($projectId: String!, $first: Int, $after: String) {
  environments(projectId: $projectId, first: $first, after: $after) {
    edges { node { id name isEphemeral deletedAt } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

ENVIRONMENT_CREATE = (
    """
mutation EnvironmentCreate($input: EnvironmentCreateInput!) {
  environmentCreate(input: $input) { ...EnvironmentFields }
}
"""
    + _ENVIRONMENT_FIELDS
)

ENVIRONMENT_DELETE = """
mutation EnvironmentDelete($id: String!) {
  environmentDelete(id: $id)
}
"""

# --- Service (service.py) -------------------------------------------------------------------------------

SERVICE = (
    """
query Service($id: String!) {
  service(id: $id) { ...ServiceFields }
}
"""
    + _SERVICE_FIELDS
)

PROJECT_SERVICES = """
query ProjectServices($id: String!, $first: Int, $after: String) {
  project(id: $id) {
    id
    services(first: $first, after: $after) {
      edges { node { id name icon deletedAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

SERVICE_CREATE = (
    """
mutation ServiceCreate($input: ServiceCreateInput!) {
  serviceCreate(input: $input) { ...ServiceFields }
}
"""
    + _SERVICE_FIELDS
)

SERVICE_UPDATE = (
    """
mutation ServiceUpdate($id: String!, $input: ServiceUpdateInput!) {
  serviceUpdate(id: $id, input: $input) { ...ServiceFields }
}
"""
    + _SERVICE_FIELDS
)

SERVICE_DELETE = """
mutation ServiceDelete($id: String!, $environmentId: String) {
  serviceDelete(id: $id, environmentId: $environmentId)
}
"""

# --- ServiceInstance (service_instance.py) --------------------------------------------------------------

SERVICE_INSTANCE = """
query ServiceInstance($serviceId: String!, $environmentId: String!) {
  serviceInstance(serviceId: $serviceId, environmentId: $environmentId) {
    id
    serviceId
    environmentId
    deletedAt
    source { image }
    startCommand
    preDeployCommand
    healthcheckPath
    healthcheckTimeout
    numReplicas
    region
    restartPolicyType
    restartPolicyMaxRetries
    sleepApplication
    overlapSeconds
    drainingSeconds
  }
}
"""

SERVICE_INSTANCE_UPDATE = """
mutation ServiceInstanceUpdate(
  $serviceId: String!, $environmentId: String, $input: ServiceInstanceUpdateInput!
) {
  serviceInstanceUpdate(serviceId: $serviceId, environmentId: $environmentId, input: $input)
}
"""

# --- Variables (provider part B) ---------------------------------------------------------------

VARIABLES = """
query Variables($projectId: String!, $environmentId: String!, $serviceId: String, $unrendered: Boolean) {
  variables(
    projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId, unrendered: $unrendered
  )
}
"""

VARIABLE_COLLECTION_UPSERT = """
mutation VariableCollectionUpsert($input: VariableCollectionUpsertInput!) {
  variableCollectionUpsert(input: $input)
}
"""

VARIABLE_DELETE = """
mutation VariableDelete($input: VariableDeleteInput!) {
  variableDelete(input: $input)
}
"""

# --- Custom and service domains (provider part B) ----------------------------------------------

_CUSTOM_DOMAIN_FIELDS = """
fragment CustomDomainFields on CustomDomain {
  id domain environmentId serviceId projectId targetPort deletedAt
  status {
    verificationDnsHost verificationToken verified
    dnsRecords { hostlabel fqdn recordType requiredValue zone purpose }
  }
}
"""

CUSTOM_DOMAIN_CREATE = (
    """
mutation CustomDomainCreate($input: CustomDomainCreateInput!) {
  customDomainCreate(input: $input) { ...CustomDomainFields }
}
"""
    + _CUSTOM_DOMAIN_FIELDS
)

CUSTOM_DOMAIN = (
    """
query CustomDomain($id: String!, $projectId: String!) {
  customDomain(id: $id, projectId: $projectId) { ...CustomDomainFields }
}
"""
    + _CUSTOM_DOMAIN_FIELDS
)

CUSTOM_DOMAIN_UPDATE = """
mutation CustomDomainUpdate($id: String!, $environmentId: String!, $targetPort: Int) {
  customDomainUpdate(id: $id, environmentId: $environmentId, targetPort: $targetPort)
}
"""

CUSTOM_DOMAIN_DELETE = """
mutation CustomDomainDelete($id: String!) {
  customDomainDelete(id: $id)
}
"""

DOMAINS = """
query Domains($projectId: String!, $environmentId: String!, $serviceId: String!) {
  domains(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) {
    customDomains { id domain targetPort deletedAt }
    serviceDomains { id domain targetPort projectId createdAt deletedAt }
  }
}
"""

SERVICE_DOMAIN_CREATE = """
mutation ServiceDomainCreate($input: ServiceDomainCreateInput!) {
  serviceDomainCreate(input: $input) { id domain targetPort projectId }
}
"""

SERVICE_DOMAIN_UPDATE = """
mutation ServiceDomainUpdate($input: ServiceDomainUpdateInput!) {
  serviceDomainUpdate(input: $input)
}
"""

SERVICE_DOMAIN_DELETE = """
mutation ServiceDomainDelete($id: String!) {
  serviceDomainDelete(id: $id)
}
"""

# --- Project tokens (provider part B) ----------------------------------------------------------

PROJECT_TOKEN_CREATE = """
mutation ProjectTokenCreate($input: ProjectTokenCreateInput!) {
  projectTokenCreate(input: $input)
}
"""  # noqa: S105 (a GraphQL document, not a secret)

PROJECT_TOKEN = """
query ProjectToken {
  projectToken { id name projectId environmentId }
}
"""  # noqa: S105 (a GraphQL document, not a secret)

PROJECT_TOKENS = """
query ProjectTokens($projectId: String!, $first: Int) {
  projectTokens(projectId: $projectId, first: $first) {
    edges { node { id name projectId environmentId createdAt } }
  }
}
"""

PROJECT_TOKEN_DELETE = """
mutation ProjectTokenDelete($id: String!) {
  projectTokenDelete(id: $id)
}
"""  # noqa: S105 (a GraphQL document, not a secret)

# --- Deployments (provider part B) -------------------------------------------------------------

SERVICE_INSTANCE_DEPLOY_V2 = """
mutation ServiceInstanceDeployV2($serviceId: String!, $environmentId: String!) {
  serviceInstanceDeployV2(serviceId: $serviceId, environmentId: $environmentId)
}
"""

DEPLOYMENT = """
query Deployment($id: String!) {
  deployment(id: $id) { id status canRollback staticUrl url createdAt serviceId environmentId }
}
"""

DEPLOYMENTS = """
query Deployments($input: DeploymentListInput!, $first: Int) {
  deployments(input: $input, first: $first) {
    edges { node { id status canRollback createdAt } }
  }
}
"""

DEPLOYMENT_ROLLBACK = """
mutation DeploymentRollback($id: String!) {
  deploymentRollback(id: $id)
}
"""

DEPLOYMENT_CANCEL = """
mutation DeploymentCancel($id: String!) {
  deploymentCancel(id: $id)
}
"""
