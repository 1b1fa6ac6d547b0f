import type { Metadata } from 'next';
import { RequireScope } from '@/components/auth/require-scope';
import { PipelineDetail } from '@/components/training/pipeline-detail';
import { trainingSettings } from '@/server/training/settings';

export const metadata: Metadata = { title: 'Training pipeline' };

export default async function TrainingPipelinePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <RequireScope scope="training:read">
      <PipelineDetail id={id} fallbackPollMs={trainingSettings().fallbackPollMs} />
    </RequireScope>
  );
}
