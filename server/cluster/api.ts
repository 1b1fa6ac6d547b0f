import { HttpMethod, KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject, type ResponseContext } from '@kubernetes/client-node';
import { ClusterKindUnavailableError, ClusterNotFoundError, clusterErrorFromResponse } from './errors';
import type { KindRef } from './kinds';

/**
 * client-node's generic object API, speaking plain JSON both ways and throwing the cluster errors of
 * ./errors.ts instead of ApiException. The stock class runs bodies through its model classes, which
 * silently drop fields they do not know (so the server never sees, and never refuses, them) and turn
 * timestamps into Dates.
 */
export class PlainObjectApi extends KubernetesObjectApi {
  static forConfig(kc: KubeConfig, namespace: string): PlainObjectApi {
    const api = kc.makeApiClient(PlainObjectApi);
    api.defaultNamespace = namespace;
    return api;
  }

  protected override async processResponse<T extends KubernetesObject>(response: ResponseContext): Promise<T> {
    const text = await response.body.text();
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) {
      return (text ? JSON.parse(text) : {}) as T;
    }
    throw clusterErrorFromResponse(response.httpStatusCode, text);
  }

  /**
   * Server-side apply of `spec` exactly as given: PATCH with `application/apply-patch+yaml` (JSON is
   * YAML), through the same path resolution, authentication and middleware as `patch`.
   */
  async serverSideApply<T extends KubernetesObject>(spec: T, fieldManager: string, force: boolean): Promise<T> {
    await this.resolve({ apiVersion: spec.apiVersion ?? 'v1', kind: spec.kind ?? '' });
    const path = await this.specUriPath(spec, 'patch');
    const request = this.configuration.baseServer.makeRequestContext(path, HttpMethod.PATCH);
    request.setHeaderParam('Accept', 'application/json, */*;q=0.8');
    request.setHeaderParam('Content-Type', PatchStrategy.ServerSideApply);
    request.setQueryParam('fieldManager', fieldManager);
    if (force) request.setQueryParam('force', 'true');
    request.setBody(JSON.stringify(spec));
    return this.requestPromise<T>(request);
  }

  /**
   * Looks the kind up in the API discovery documents (cached per apiVersion by the base class).
   * @throws ClusterKindUnavailableError when the cluster does not serve it (e.g. CRD not installed)
   */
  async resolve(ref: KindRef<unknown>): Promise<{ name: string; namespaced: boolean }> {
    let resource;
    try {
      resource = await this.resource(ref.apiVersion, ref.kind);
    } catch (error) {
      if (!(error instanceof ClusterNotFoundError)) throw error;
    }
    if (!resource) {
      throw new ClusterKindUnavailableError(`${ref.apiVersion} ${ref.kind} is not served by this cluster (is its CRD installed?)`);
    }
    return { name: resource.name, namespaced: resource.namespaced };
  }

  /** The collection path of a kind, e.g. `/apis/batch/v1/namespaces/ns/jobs`, for watches. */
  async collectionPath(ref: KindRef<unknown>, namespace: string): Promise<string> {
    await this.resolve(ref);
    return this.specUriPath({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { namespace } }, 'list');
  }
}
