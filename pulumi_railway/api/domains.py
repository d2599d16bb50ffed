"""The GraphQL documents of custom domains and Railway-generated (service) domains, one named operation each.

Sent by resources/custom_domain.py and resources/service_domain.py; validated with every other document by
tests/client/test_operations.py.
"""

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
