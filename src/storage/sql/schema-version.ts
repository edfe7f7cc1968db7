// The schema-version rule both SQL storages follow: a database written by a newer tunekit is refused,
// untouched; an older one is migrated up to the version asked for.
import { TunekitError } from '../../errors.js';

/** True when `version` already is at least `target`; throws `storage_version` for a newer schema. */
export function schemaIsCurrent(where: string, version: number, supported: number, target: number): boolean {
  if (version > supported)
    throw new TunekitError(
      'storage_version',
      `${where} has schema version ${version}, written by a newer tunekit (this one reads up to version ${supported}); ` +
        'upgrade tunekit to open it. The database was not changed.',
      { found: version, supported },
    );
  return version >= target;
}
