// The smallest tunekit program: minimise a function of two hyperparameters, then read the best trial.
// Run: npx tsx examples/quadratic.ts
import { createStudy } from 'tunekit';

const study = await createStudy({ studyName: 'quadratic', direction: 'minimize', seed: 1 });

await study.optimize(
  (trial) => {
    const x = trial.suggestFloat('x', -10, 10);
    const kind = trial.suggestCategorical('kind', ['plain', 'shifted']);
    return kind === 'plain' ? (x - 2) ** 2 : (x + 1) ** 2 + 1;
  },
  { nTrials: 100 },
);

const best = await study.bestTrial();
console.log(
  `best value ${best.values![0]!.toFixed(4)} at x=${(best.params.x as number).toFixed(3)} (${best.params.kind})`,
);
