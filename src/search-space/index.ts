// The search space: distributions as data, their validation, and unit-interval transforms.
export * from './distributions.js';
export * from './transforms.js';
