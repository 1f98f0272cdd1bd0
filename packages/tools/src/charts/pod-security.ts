import { type K8sObject, podSpecOf, workloads } from './manifests.ts';

/**
 * The Pod Security Standards' restricted profile, as the API server's Pod
 * Security admission applies it (kubernetes.io/docs/concepts/security/
 * pod-security-standards, Kubernetes 1.35), checked on a rendered pod spec:
 * the baseline rules and the restricted ones. AppArmor and SELinux fields are
 * left to the API server (none of the charts sets them). Returns what breaks
 * a rule, empty when the pod would be admitted.
 */

/** The only volume types restricted allows. */
const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

/** Sysctls baseline allows. */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  procMount?: string;
  seccompProfile?: { type?: string };
  capabilities?: { add?: string[]; drop?: string[] };
}

interface Container {
  name: string;
  securityContext?: SecurityContext;
  ports?: { hostPort?: number }[];
}

/** What keeps one pod spec out of a namespace that enforces restricted. */
export function restrictedViolations(
  // biome-ignore lint/suspicious/noExplicitAny: a rendered pod spec
  spec: any,
): string[] {
  const problems: string[] = [];
  const pod = (spec.securityContext ?? {}) as SecurityContext & { sysctls?: { name: string }[] };
  const containers: Container[] = [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? []),
  ];
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[field] === true) problems.push(`${field} is true`);
  }
  for (const volume of spec.volumes ?? []) {
    const type = Object.keys(volume).find((key) => key !== 'name');
    if (type && !RESTRICTED_VOLUMES.has(type)) problems.push(`volume ${volume.name} is a ${type}`);
  }
  for (const sysctl of pod.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(sysctl.name)) problems.push(`sysctl ${sysctl.name} is not a safe one`);
  }
  if (pod.runAsUser === 0) problems.push('the pod runs as user 0');
  if (pod.seccompProfile?.type === 'Unconfined') problems.push('the pod seccomp profile is Unconfined');
  for (const container of containers) {
    const context = container.securityContext ?? {};
    const where = `container ${container.name}`;
    if (context.privileged === true) problems.push(`${where} is privileged`);
    if (context.procMount !== undefined && context.procMount !== 'Default') {
      problems.push(`${where} has procMount ${context.procMount}`);
    }
    if ((container.ports ?? []).some((port) => port.hostPort)) problems.push(`${where} uses a hostPort`);
    if (context.allowPrivilegeEscalation !== false) {
      problems.push(`${where} does not set allowPrivilegeEscalation: false`);
    }
    if ((context.runAsNonRoot ?? pod.runAsNonRoot) !== true)
      problems.push(`${where} does not run as non-root`);
    if (context.runAsUser === 0) problems.push(`${where} runs as user 0`);
    const seccomp = context.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      problems.push(`${where} has no RuntimeDefault or Localhost seccomp profile`);
    }
    if (!(context.capabilities?.drop ?? []).includes('ALL'))
      problems.push(`${where} does not drop ALL capabilities`);
    for (const added of context.capabilities?.add ?? []) {
      if (added !== 'NET_BIND_SERVICE') problems.push(`${where} adds capability ${added}`);
    }
  }
  return problems;
}

/** Every workload (hook Jobs and test pods included) that restricted would refuse, with why. */
export function restrictedProfileProblems(objects: readonly K8sObject[]): string[] {
  return workloads(objects).flatMap((object) =>
    restrictedViolations(podSpecOf(object)).map(
      (problem) => `${object.kind} ${object.metadata.name}: ${problem}`,
    ),
  );
}
