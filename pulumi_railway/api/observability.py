"""The GraphQL documents that read what a deployment did after it went live: its HTTP logs and its metrics.

Owns: the text of `httpLogs(deploymentId, …)` (each request the edge served, with its status) and of
`metrics(environmentId, serviceId, measurements, startDate, sampleRateSeconds)`, one named operation each, so
tests/client/test_observability_operations.py validates them against Railway's published schema and the
emulator's SDL like operations.py's. Kept beside operations.py (not in it) so post-deploy checks evolve alone.
Deliberately not here: judging the numbers (pulumi_railway.toolkit.bake).
"""

HTTP_LOGS = """
query HttpLogs($deploymentId: String!, $afterDate: String, $limit: Int) {
  httpLogs(deploymentId: $deploymentId, afterDate: $afterDate, limit: $limit) {
    requestId timestamp httpStatus method path
  }
}
"""

METRICS = """
query Metrics(
  $environmentId: String!
  $serviceId: String!
  $measurements: [MetricMeasurement!]!
  $startDate: DateTime!
  $sampleRateSeconds: Int
) {
  metrics(
    environmentId: $environmentId
    serviceId: $serviceId
    measurements: $measurements
    startDate: $startDate
    sampleRateSeconds: $sampleRateSeconds
  ) {
    measurement
    values { ts value }
  }
}
"""
