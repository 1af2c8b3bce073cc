import { describe, expect, it } from 'vitest';
import { type FindChromiumDeps, findChromium, systemCandidates } from './find-chromium.js';

/** Deps where only `present` paths are executable; records whether the packaged browser was unpacked. */
function deps(
  present: readonly string[],
  env: FindChromiumDeps['env'] = {},
): FindChromiumDeps & { unpacked: () => number } {
  let unpacked = 0;
  return {
    env,
    platform: 'linux',
    isExecutable: async (path) => present.includes(path),
    unpackPackaged: async () => {
      unpacked += 1;
      return '/project/node_modules/.cache/chromium';
    },
    unpacked: () => unpacked,
  };
}

describe('findChromium', () => {
  it('prefers CHROMIUM_PATH over a system browser', async () => {
    const found = await findChromium(
      deps(['/opt/mine', '/usr/bin/chromium'], { CHROMIUM_PATH: '/opt/mine' }),
    );
    expect(found).toEqual({ path: '/opt/mine', source: 'CHROMIUM_PATH' });
  });

  it('fails on a CHROMIUM_PATH that does not exist instead of silently using another browser', async () => {
    const d = deps(['/usr/bin/chromium'], { CHROMIUM_PATH: '/nope' });
    await expect(findChromium(d)).rejects.toThrow('CHROMIUM_PATH=/nope is not an executable file');
    expect(d.unpacked()).toBe(0);
  });

  it('uses a system browser, fixed locations first, then PATH, without unpacking the packaged one', async () => {
    const d = deps(['/usr/bin/chromium', '/home/me/bin/google-chrome'], { PATH: '/home/me/bin' });
    expect(await findChromium(d)).toEqual({ path: '/usr/bin/chromium', source: 'system' });
    const onPath = deps(['/home/me/bin/google-chrome'], { PATH: '/home/me/bin' });
    expect(await findChromium(onPath)).toEqual({ path: '/home/me/bin/google-chrome', source: 'system' });
    expect(d.unpacked() + onPath.unpacked()).toBe(0);
  });

  it('falls back to the packaged Chromium when there is no system browser', async () => {
    const d = deps([], { PATH: '/usr/bin:/bin' });
    expect(await findChromium(d)).toEqual({
      path: '/project/node_modules/.cache/chromium',
      source: '@sparticuz/chromium',
    });
    expect(d.unpacked()).toBe(1);
  });

  it('says what it tried when nothing works', async () => {
    const d: FindChromiumDeps = {
      ...deps([], { PATH: '/usr/bin' }),
      unpackPackaged: () => Promise.reject(new Error('not installed')),
    };
    await expect(findChromium(d)).rejects.toThrow(/\/usr\/bin\/chromium.*not installed.*CHROMIUM_PATH/s);
  });

  it('lists PATH entries once each, after the fixed locations', () => {
    const list = systemCandidates({ PATH: '/usr/bin::/usr/bin' }, 'linux');
    expect(list[0]).toBe('/usr/bin/chromium');
    expect(list.filter((path) => path === '/usr/bin/chromium')).toHaveLength(1);
    expect(list).toContain('/usr/bin/google-chrome');
  });
});
