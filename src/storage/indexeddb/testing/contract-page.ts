// The browser side of the IndexedDB contract run: the shared storage contract suite (bundled with the
// vitest shim in place of vitest), each case on a fresh database, results left on window for the test.
import { storageContract } from '../../storage.contract.js';
import { IndexedDbStorage } from '../storage.js';
import { runSuite } from './vitest-shim.js';

let n = 0;
storageContract('indexeddb', {
  // A new database per case: the contract expects an empty storage every time.
  open: () => IndexedDbStorage.open(`contract-${Date.now()}-${n++}`),
});

(globalThis as unknown as { contractResults: unknown }).contractResults = await runSuite();
