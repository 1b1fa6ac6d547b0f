import packageJson from '@/package.json';

/** The release this process runs, as package.json says; web and workers report it so a mixed deploy shows. */
export const appVersion: string = packageJson.version;
