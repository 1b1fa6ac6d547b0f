import type { Metadata } from 'next';
import { RequireScope } from '@/components/auth/require-scope';
import { PipelineList } from '@/components/training/pipeline-list';
import { trainingSettings } from '@/server/training/settings';

export const metadata: Metadata = { title: 'Training' };

export default function TrainingPage() {
  return (
    <RequireScope scope="training:read">
      <PipelineList fallbackPollMs={trainingSettings().fallbackPollMs} />
    </RequireScope>
  );
}
