/**
 * The fix for each of issue 14's API-server mistakes (test/fixtures/mistakes/apiserver-*.yaml):
 * what a user would change so that kube-apiserver accepts the object. Shared by the CLI test
 * (ladder validate, offline) and the integration test (the real server), so both hold the same fix.
 */
export const apiServerMistakeFixes: Record<string, (text: string) => string> = {
  'apiserver-cpu-request-over-limit.yaml': (text) => text.replace('requests: { cpu: 500m', 'requests: { cpu: 200m'),
  'apiserver-cronjob-schedule.yaml': (text) => text.replace('schedule: "0 3 * *"', 'schedule: "0 3 * * *"'),
  'apiserver-duplicate-container.yaml': (text) => text.replace(/(\n {8}- name: app[\s\S]*?\n {8}- name: )app/, '$1sidecar'),
  'apiserver-label-space.yaml': (text) => text.replace('team: "platform team"', 'team: "platform-team"'),
  'apiserver-name-uppercase.yaml': (text) => text.replace('name: Name-Uppercase', 'name: name-uppercase'),
  'apiserver-replicas-negative.yaml': (text) => text.replace('replicas: -1', 'replicas: 1'),
  'apiserver-selector-mismatch.yaml': (text) => text.replace('app.kubernetes.io/name: selector-match\n', 'app.kubernetes.io/name: selector-mismatch\n'),
  'apiserver-service-port.yaml': (text) => text.replace('port: 70000', 'port: 8080'),
};
