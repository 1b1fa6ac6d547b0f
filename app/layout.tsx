import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { Providers } from '@/components/providers/providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'NeuroWeaver', template: '%s · NeuroWeaver' },
  description: 'MLOps control plane: model registry, deployments, approvals and audit.',
  robots: { index: false, follow: false },
};

export const viewport: Viewport = { themeColor: '#111827' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
