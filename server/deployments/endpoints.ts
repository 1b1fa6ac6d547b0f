// Placeholder until the deployments domain lands (branch feat/deploy replaces this file): no deployment
// is known, so the A/B gateway answers 503 "not deployed" for every variant.
export async function findServingEndpoint(input: { familyId: string; version: string }): Promise<{ deploymentId: string; environment: 'staging' | 'production'; baseUrl: string } | null> {
  void input;
  return null;
}
