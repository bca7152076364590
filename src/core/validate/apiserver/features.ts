/**
 * Feature gates that change what the API server accepts, with their default
 * per Kubernetes minor (pkg/features/kube_features.go, versioned specs). A
 * field behind a gate that is off is dropped before validation
 * (dropDisabledFields), so it is neither refused nor checked.
 */
const gates = {
  ContainerRestartRules: { 34: false, 35: true },
  RestartAllContainersOnContainerExits: { 35: false, 36: true },
  EnvFiles: { 34: false, 35: true },
  HostnameOverride: { 34: false, 35: true },
  ContainerStopSignals: { 33: false },
  HPAConfigurableTolerance: { 33: false, 35: true },
  HPAScaleToZero: { 16: false },
  TaintTolerationComparisonOperators: { 35: false },
  UserNamespacesHostNetworkSupport: { 35: false },
  PodLevelResources: { 32: false, 34: true },
  InPlacePodLevelResourcesVerticalScaling: { 35: false, 36: true },
  InPlacePodVerticalScaling: { 33: true },
  ImageVolume: { 33: false, 35: true },
  ImageVolumeWithDigest: { 35: false },
  MaxUnavailableStatefulSet: { 24: false },
  MatchLabelKeysInPodTopologySpread: { 27: true },
  MatchLabelKeysInPodTopologySpreadSelectorMerge: { 34: true },
  StrictIPCIDRValidation: { 33: false, 36: true },
  RelaxedServiceNameValidation: { 34: false, 36: true },
  ClusterTrustBundleProjection: { 29: false },
  PodCertificateRequest: { 34: false },
  DRAExtendedResource: { 34: false, 36: true },
  SchedulingGroup: { 35: false },
  GenericWorkload: { 35: false },
  PodDeletionCost: { 22: true },
  CrossNamespaceVolumeDataSource: { 26: false },
  SELinuxChangePolicy: { 33: true },
  UserNamespacesSupport: { 33: true },
  ProcMountType: { 33: true },
  SupplementalGroupsPolicy: { 33: true },
} satisfies Record<string, Record<number, boolean>>;

export type FeatureGate = keyof typeof gates;

/** The gate's default in Kubernetes 1.`minor`: the entry for the newest minor at or before it. */
export function gateEnabled(gate: FeatureGate, minor: number): boolean {
  // Asked many times per object, always for the run's one minor: every gate's answer for it is worked out once.
  if (minor !== answersMinor) {
    answers = Object.fromEntries(Object.keys(gates).map((name) => [name, defaultOf(name as FeatureGate, minor)])) as Record<FeatureGate, boolean>;
    answersMinor = minor;
  }
  return answers[gate];
}

function defaultOf(gate: FeatureGate, minor: number): boolean {
  let enabled = false;
  for (const [since, value] of Object.entries(gates[gate])) {
    if (Number(since) <= minor) enabled = value;
  }
  return enabled;
}

let answersMinor: number | undefined;
let answers = {} as Record<FeatureGate, boolean>;
