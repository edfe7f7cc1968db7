import { InMemoryStorage } from './memory.js';
import { storageContract } from './storage.contract.js';

storageContract('in-memory', { open: async () => new InMemoryStorage() });
