import { readFileSync } from 'node:fs';

/** Version of this build, from package.json. */
export const VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    // dist/ and src/ are both two levels below the package root; anything else is a broken install.
    return 'unknown';
  }
})();

export const BUILD_INFO = {
  version: VERSION,
  revision: process.env.SKALD_REVISION ?? '',
  branch: process.env.SKALD_BRANCH ?? '',
  buildUser: '',
  buildDate: '',
  goVersion: `node${process.versions.node}`,
};
