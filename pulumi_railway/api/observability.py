"""The GraphQL documents that read what a deployment did after it went live: its HTTP logs and its metrics.

Kept apart from operations.py so post-deploy checks (judged in pulumi_railway.toolkit.bake) evolve alone;
tests/client/test_operations.py validates them with every other document.
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
