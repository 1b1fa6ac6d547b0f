import type { Metadata } from 'next';
import Link from 'next/link';
import { RequireScope } from '@/components/auth/require-scope';
import { NewPipelineForm } from '@/components/training/new-pipeline-form';
import { PageHeader } from '@/components/ui/page-header';

export const metadata: Metadata = { title: 'New training pipeline' };

export default function NewTrainingPipelinePage() {
  return (
    <RequireScope scope="training:manage">
      <PageHeader eyebrow={<Link href="/training">Training</Link>} title="New pipeline" description="Describe a QLoRA fine-tuning run, optionally with RLAIF; the memory estimate updates as you type." />
      <NewPipelineForm />
    </RequireScope>
  );
}
