// `tunekit tell <study> --trial N --value V`: finishes a trial started by `tunekit ask` (or any worker).
import { TunekitError, loadStudy } from '../../index.js';
import type { TellResult } from '../../index.js';
import { defineCommand } from '../args.js';
import { QUIET, STORAGE, STUDY, storageUrl, withStorage } from '../common.js';

function finite(raw: string, flag: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value))
    throw new TunekitError('invalid_argument', `${flag} must be a finite number, got ${JSON.stringify(raw)}`);
  return value;
}

export const tell = defineCommand({
  name: 'tell',
  summary: 'finish a trial with its value (or as pruned or failed)',
  positionals: [STUDY],
  options: {
    trial: {
      type: 'int',
      value: 'N',
      description: 'the trial number `tunekit ask` printed',
      min: 0,
      required: true,
    },
    value: { type: 'string', value: 'V', description: 'the value (write a negative one as --value=-1)' },
    values: { type: 'string', value: 'V1,V2', description: 'the values of a multi-objective study' },
    state: {
      type: 'string',
      value: 'STATE',
      description: 'finish the trial without a value',
      choices: ['pruned', 'fail'],
    },
    storage: STORAGE,
    quiet: QUIET,
  },
  notes: ['Give exactly one of --value, --values and --state.'],
  async run({ positionals: [name], options }) {
    const given = (['value', 'values', 'state'] as const).filter((k) => options[k] !== undefined);
    if (given.length !== 1)
      throw new TunekitError(
        'invalid_argument',
        given.length === 0
          ? 'give --value V, --values V1,V2 or --state pruned|fail'
          : `give one of --value, --values and --state, not ${given.map((k) => `--${k}`).join(' and ')}`,
      );
    const result: TellResult =
      options.state ??
      (options.value !== undefined
        ? finite(options.value, '--value')
        : options.values!.split(',').map((v) => finite(v, '--values')));
    await withStorage(storageUrl(options.storage), async (storage) => {
      const study = await loadStudy({ studyName: name!, storage });
      const record = await study.tell(
        options.trial,
        result,
        options.state === 'fail' ? { failReason: 'failed by tunekit tell' } : {},
      );
      if (!options.quiet)
        console.log(
          `trial ${record.number}: ${record.state}${record.failReason ? ` (${record.failReason})` : ''}`,
        );
    });
    return 0;
  },
});
