import type { IPod } from 'kubernetes-models/v1/Pod';
import type { TypeKey } from '../resources';

/** Standard object metadata (taken from the kubernetes-models types). */
export type ObjectMeta = NonNullable<IPod['metadata']>;
export type OwnerReference = NonNullable<ObjectMeta['ownerReferences']>[number];

/** Any stored Kubernetes object. Stored objects are deep-frozen: copy before changing. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { name: string };
  [field: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change, as the store records it for watches and announces it to subscribers. */
export interface StoreEvent {
  type: WatchEventType;
  resource: TypeKey;
  object: KObject;
  /** The previous state, for MODIFIED and DELETED (lets selector-filtered watches send ADDED/DELETED). */
  oldObject?: KObject;
  resourceVersion: number;
}

export type StoreListener = (event: StoreEvent) => void;

/** A typed view (kubernetes-models interface) of a stored object. */
export type Stored<T> = T & KObject;

/** What `create` takes: apiVersion and kind default from the type; name may come from generateName. */
export interface NewObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}
