import { gateEnabled } from '../features.js';

/**
 * PodValidationOptions as pkg/api/pod GetValidationOptionsFromPodTemplate
 * computes them for a create (no old object): the feature gates' defaults of
 * the Kubernetes minor, everything that only tolerates old invalid data off.
 */
export interface PodOptions {
  minor: number;
  allowIndivisibleHugePages: boolean;
  allowRelaxedEnvironmentVariables: boolean;
  allowRelaxedDnsSearch: boolean;
  allowEnvFiles: boolean;
  allowSleepZero: boolean;
  podLevelResources: boolean;
  allowSidecarResizePolicy: boolean;
  allowContainerRestartRules: boolean;
  allowRestartAllContainers: boolean;
  allowTaintComparisonOperators: boolean;
  allowUserNamespacesHostNetwork: boolean;
  onlyRecursiveSELinuxChangePolicy: boolean;
  allowMatchLabelKeysInTopologySpread: boolean;
  matchLabelKeysSelectorMerge: boolean;
  /** A Pod itself rather than a template (hostPort must equal containerPort with hostNetwork). */
  resourceIsPod: boolean;
  /** StrictIPCIDRValidation: IPs and CIDRs of legacy fields must also be canonical enough for net/netip. */
  strictIp: boolean;
}

export function podOptionsFor(minor: number): PodOptions {
  return {
    minor,
    allowIndivisibleHugePages: false,
    // RelaxedEnvironmentVariableValidation, RelaxedDNSSearchValidation and PodLifecycleSleepActionAllowZero are GA since 1.34.
    allowRelaxedEnvironmentVariables: true,
    allowRelaxedDnsSearch: true,
    allowSleepZero: true,
    allowEnvFiles: gateEnabled('EnvFiles', minor),
    podLevelResources: gateEnabled('PodLevelResources', minor),
    allowSidecarResizePolicy: gateEnabled('InPlacePodVerticalScaling', minor),
    allowContainerRestartRules: gateEnabled('ContainerRestartRules', minor),
    allowRestartAllContainers: gateEnabled('RestartAllContainersOnContainerExits', minor),
    allowTaintComparisonOperators: gateEnabled('TaintTolerationComparisonOperators', minor),
    allowUserNamespacesHostNetwork: gateEnabled('UserNamespacesHostNetworkSupport', minor),
    // SELinuxMount is off by default in every bundled minor.
    onlyRecursiveSELinuxChangePolicy: true,
    allowMatchLabelKeysInTopologySpread: gateEnabled('MatchLabelKeysInPodTopologySpread', minor),
    matchLabelKeysSelectorMerge: gateEnabled('MatchLabelKeysInPodTopologySpreadSelectorMerge', minor),
    resourceIsPod: false,
    strictIp: gateEnabled('StrictIPCIDRValidation', minor),
  };
}
