import { createTRPCRouter, scopedProcedure } from '@/server/api/trpc';
import { getClusterOverview } from './overview/get-overview';
import { simulatorSettingsPatchSchema } from './overview/schemas';
import { getSimulatorSettings, updateSimulatorSettings } from './overview/simulator-settings';

export const clusterRouter = createTRPCRouter({
  /** Identity, nodes with GPU capacity and use, Jobs, pods and recent events of NeuroWeaver's namespace. */
  overview: scopedProcedure('cluster:read').query(() => getClusterOverview()),
  /** The simulator's fault-injection settings; CONFLICT on a real cluster. */
  simulatorSettings: scopedProcedure('cluster:read').query(() => getSimulatorSettings()),
  /** Changes some fault-injection settings of the simulator (audited); CONFLICT on a real cluster. */
  updateSimulatorSettings: scopedProcedure('cluster:manage')
    .input(simulatorSettingsPatchSchema)
    .mutation(({ ctx, input }) => updateSimulatorSettings(ctx.meta, input)),
});
