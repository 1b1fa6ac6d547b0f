import { defineRoute, type RestRoute } from '@/server/http/route';
import { getClusterOverview } from './overview/get-overview';
import { clusterOverviewSchema, simulatorSettingsPatchSchema, simulatorSettingsSchema } from './overview/schemas';
import { getSimulatorSettings, updateSimulatorSettings } from './overview/simulator-settings';

export const clusterRoutes: RestRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/cluster',
    summary: "The cluster: identity, nodes with GPU capacity and use, Jobs, pods and recent events of NeuroWeaver's namespace",
    tag: 'Cluster',
    scope: 'cluster:read',
    response: clusterOverviewSchema,
    handler: () => getClusterOverview(),
  }),
  defineRoute({
    method: 'GET',
    path: '/cluster/simulator/settings',
    summary: "The simulator's fault-injection settings (409 on a real cluster)",
    tag: 'Cluster',
    scope: 'cluster:read',
    response: simulatorSettingsSchema,
    handler: () => getSimulatorSettings(),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/cluster/simulator/settings',
    summary: "Changes some of the simulator's fault-injection settings; the others stay (409 on a real cluster)",
    tag: 'Cluster',
    scope: 'cluster:manage',
    body: simulatorSettingsPatchSchema,
    response: simulatorSettingsSchema,
    handler: ({ body, meta }) => updateSimulatorSettings(meta, body),
  }),
];
