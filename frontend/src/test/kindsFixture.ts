// The kinds the fake backend serves: a few of each navigation group, custom
// kinds of two API groups and one the server cannot watch, in the order the
// backend sends them. Hand-written to exercise the page, not the contract
// with Go (that is kinds.gen.json, written by the backend's test).
import type { Column, KindInfo } from '../api';

const col = (id: string, title: string, type = 'text', more: Partial<Column> = {}): Column => ({ id, title, type, ...more });
const name = col('name', 'Name');
const namespace = col('namespace', 'Namespace');
const age = col('age', 'Age', 'timestamp');
const status = col('status', 'Status', 'text', { health: true });

type Spec = Omit<KindInfo, 'version' | 'resource' | 'namespaced' | 'columns'> & Partial<KindInfo> & { columns: Column[] };

function kind(s: Spec): KindInfo {
  const plural = s.id.split('.')[0]!;
  return { version: 'v1', resource: plural, namespaced: true, ...s };
}

export const KINDS: KindInfo[] = [
  kind({
    id: 'pods', kind: 'Pod', label: 'Pods', nav: 'Workloads', shortNames: ['po'], features: ['logs', 'exec', 'forward'],
    columns: [name, namespace, col('ready', 'Ready'), status, col('restarts', 'Restarts', 'integer'), age, col('ip', 'IP', 'text', { priority: 1 }), col('node', 'Node')],
  }),
  kind({
    id: 'deployments', kind: 'Deployment', label: 'Deployments', nav: 'Workloads', apiGroup: 'apps', shortNames: ['deploy'], features: ['logs', 'exec', 'forward'],
    columns: [name, namespace, col('ready', 'Ready'), col('upToDate', 'Up-to-date', 'integer'), col('available', 'Available', 'integer'), status, age],
  }),
  kind({ id: 'replicasets', kind: 'ReplicaSet', label: 'ReplicaSets', nav: 'Workloads', apiGroup: 'apps', shortNames: ['rs'], columns: [name, namespace, status, age] }),
  kind({
    id: 'jobs', kind: 'Job', label: 'Jobs', nav: 'Workloads', apiGroup: 'batch',
    columns: [name, namespace, col('completions', 'Completions'), status, col('duration', 'Duration', 'duration'), age],
  }),
  kind({ id: 'services', kind: 'Service', label: 'Services', nav: 'Network', shortNames: ['svc'], columns: [name, namespace, col('type', 'Type'), age] }),
  kind({ id: 'configmaps', kind: 'ConfigMap', label: 'ConfigMaps', nav: 'Config', shortNames: ['cm'], columns: [name, namespace, col('data', 'Data', 'integer'), age] }),
  kind({ id: 'secrets', kind: 'Secret', label: 'Secrets', nav: 'Config', columns: [name, namespace, col('type', 'Type'), age] }),
  kind({ id: 'roles', kind: 'Role', label: 'Roles', nav: 'Access control', apiGroup: 'rbac.authorization.k8s.io', columns: [name, namespace, age] }),
  kind({ id: 'nodes', kind: 'Node', label: 'Nodes', nav: 'Cluster', namespaced: false, shortNames: ['no'], features: ['nodeshell'], columns: [name, status, col('version', 'Version'), age] }),
  kind({
    id: 'events', kind: 'Event', label: 'Events', nav: 'Cluster', shortNames: ['ev'], sortBy: 'lastSeen', desc: true,
    columns: [col('lastSeen', 'Last seen', 'timestamp'), namespace, col('status', 'Type', 'text', { health: true }), col('reason', 'Reason'), col('message', 'Message', 'text', { wide: true })],
  }),
  kind({
    id: 'databases.data.crowsnest.io', kind: 'Database', label: 'Databases', nav: 'Custom resources', apiGroup: 'data.crowsnest.io', custom: true, shortNames: ['db'],
    columns: [name, namespace, col('engine', 'Engine'), col('version', 'Version'), col('replicas', 'Replicas', 'integer'), col('ready', 'Ready', 'text', { health: true }),
      col('storage', 'Storage'), col('endpoint', 'Endpoint', 'text', { priority: 1 }), age],
  }),
  kind({
    id: 'backups.data.crowsnest.io', kind: 'Backup', label: 'Backups', nav: 'Custom resources', apiGroup: 'data.crowsnest.io', custom: true,
    columns: [name, namespace, col('database', 'Database'), col('schedule', 'Schedule'), col('lastBackup', 'Last backup', 'timestamp'), col('size', 'Size', 'quantity'),
      col('succeeded', 'Succeeded', 'boolean'), age],
  }),
  kind({
    id: 'tenants.platform.crowsnest.io', kind: 'Tenant', label: 'Tenants', nav: 'Custom resources', apiGroup: 'platform.crowsnest.io', custom: true, namespaced: false,
    columns: [name, age, col('ready', 'Ready', 'text', { health: true })],
  }),
  kind({
    id: 'nodes.metrics.k8s.io', kind: 'NodeMetrics', label: 'NodeMetrics', nav: 'API resources', apiGroup: 'metrics.k8s.io', custom: true, namespaced: false,
    unavailable: 'the server does not let it be watched', columns: [name, age],
  }),
];

export const kindsById = new Map(KINDS.map((k) => [k.id, k]));
