"""The GraphQL documents of projects, environments, services, their settings, variables, tokens and volumes.

One named operation per constant; domains.py, deployments.py and observability.py hold the others. Selections
ask only for fields the emulator implements (contract §2), none deprecated; tests/client/test_operations.py
validates every document of every module against Railway's published schema and the emulator's SDL.
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

ENVIRONMENT_SERVICE_INSTANCES = """
query EnvironmentServiceInstances($id: String!) {
  environment(id: $id) { id serviceInstances { edges { node { serviceId } } } }
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
    latestDeployment { id meta }
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

# --- Volumes (volume.py) -------------------------------------------------------------------------------

VOLUME_CREATE = """
mutation VolumeCreate($input: VolumeCreateInput!) {
  volumeCreate(input: $input) { id name projectId }
}
"""

VOLUME_DELETE = """
mutation VolumeDelete($volumeId: String!) {
  volumeDelete(volumeId: $volumeId)
}
"""

ENVIRONMENT_VOLUMES = """
query EnvironmentVolumes($id: String!, $first: Int, $after: String) {
  environment(id: $id) {
    volumeInstances(first: $first, after: $after) {
      edges { node { id volumeId serviceId mountPath state deletedAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
