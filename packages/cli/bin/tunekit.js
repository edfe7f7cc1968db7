#!/usr/bin/env node
// tunekit-cli's command: tunekit's own command line, run from the tunekit package installed beside it. This
// package exists for its dependencies, the storage drivers tunekit lists only as optional peers.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

// tunekit's manifest names its bin, so this file does not depend on where tunekit keeps its CLI.
const manifest = createRequire(import.meta.url).resolve('tunekit/package.json');
const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
await import(pathToFileURL(join(dirname(manifest), bin.tunekit)).href);
