// Loads a storage's driver (better-sqlite3, pg): optional peer dependencies of tunekit, so a project that
// only uses the in-memory core installs neither. A missing one is a TunekitError naming the package to add.
import { TunekitError } from '../errors.js';

/**
 * Runs `load` (an `import()` of `pkg`, written as a literal by the caller so the compiler checks the
 * driver's types against what tunekit declares); `dependency_missing` when `pkg` itself is not installed.
 * Any other failure (a broken install, a package `pkg` needs that is missing) is rethrown as it is.
 */
export async function importDriver<M>(pkg: string, entry: string, load: () => Promise<M>): Promise<M> {
  try {
    return await load();
  } catch (error) {
    if (!isNotInstalled(error, pkg)) throw error;
    throw new TunekitError(
      'dependency_missing',
      `${entry} needs the ${pkg} package, an optional peer dependency of tunekit that is not installed here; ` +
        `add it with \`npm install ${pkg}\` (or install tunekit-cli, which brings both storage drivers)`,
      { package: pkg },
    );
  }
}

/** Node's "cannot find package" for `pkg` itself, not for something inside it. */
function isNotInstalled(error: unknown, pkg: string): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    (message.includes(`Cannot find package '${pkg}'`) || message.includes(`Cannot find module '${pkg}'`))
  );
}
