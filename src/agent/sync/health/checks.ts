import { daemonSetHealth } from './daemonset.js';
import { deploymentHealth } from './deployment.js';
import { jobHealth } from './job.js';
import { persistentVolumeClaimHealth } from './pvc.js';
import { statefulSetHealth } from './statefulset.js';
import type { HealthCheck } from './types.js';

const checks: Record<string, HealthCheck> = {
  'apps/Deployment': deploymentHealth,
  'apps/StatefulSet': statefulSetHealth,
  'apps/DaemonSet': daemonSetHealth,
  'batch/Job': jobHealth,
  '/PersistentVolumeClaim': persistentVolumeClaimHealth,
};

/** The check for a kind, or undefined for kinds that are healthy once applied (ConfigMaps, Services, …). */
export function healthCheckFor(apiVersion: string, kind: string): HealthCheck | undefined {
  const slash = apiVersion.indexOf('/');
  return checks[`${slash < 0 ? '' : apiVersion.slice(0, slash)}/${kind}`];
}
