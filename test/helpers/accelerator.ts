// Why the native accelerator's tests (native/openblas) skip where they do: no binary of it loads
// here. The note goes into the test's name, so a skip always says why and what to install.
export const ACCELERATOR_MISSING =
  'SKIPPED: the native accelerator does not load here: no prebuilt binary in native/openblas/prebuilds/ loads for this platform and none was built (node scripts/build-native.mjs says why; Debian/Ubuntu: apt-get install build-essential libopenblas-dev to build it)';

/** ' (SKIPPED: …)' to append to a test's name when the addon is missing, else ''. */
export const acceleratorSkipNote = (addon: unknown): string =>
  addon !== null ? '' : process.env.COMPARO_OPENBLAS === '0' ? ' (SKIPPED: COMPARO_OPENBLAS=0 turns the native accelerator off)' : ` (${ACCELERATOR_MISSING})`;
