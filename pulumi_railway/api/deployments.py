"""The GraphQL documents that start, read, roll back and cancel deployments, one named operation each.

Sent by toolkit/deploy_gate.py and toolkit/rollback.py; validated with every other document by
tests/client/test_operations.py.
"""

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
