/** scripts/build-api.mjs, for the TypeScript that builds the API bundle (the bench). */
export declare const apiBundle: string;
export declare function buildApi(): Promise<string>;
