// `tunekit tell <study> --trial N --value V`: finishes a trial started by `tunekit ask` (or any worker).
import { TunekitError, loadStudy } from '../../index.js';
import type { TellResult } from '../../index.js';
import { parseArgs } from '../args.js';
import { storageUrl, studyArg } from '../common.js';
import type { Command } from './index.js';

export const tell: Command = {
  summary: 'finish a trial with its value (or as pruned or failed)',
  help: 'Usage: tunekit tell <study> --trial N (--value V | --values V1,V2 | --state pruned|fail) [--storage URL]',
  async run(argv) {
    const args = parseArgs(argv, {
      values: ['storage', 'trial', 'value', 'values', 'state'],
      booleans: ['quiet'],
    });
    const name = studyArg(args, 'tell');
    const number = Number(args.options.trial);
    if (!Number.isInteger(number) || number < 0)
      throw new TunekitError(
        'invalid_argument',
        `--trial must be a trial number, got ${JSON.stringify(args.options.trial)}`,
      );
    const { value, values, state } = args.options;
    let result: TellResult;
    if (state === 'pruned' || state === 'fail') result = state;
    else if (state !== undefined)
      throw new TunekitError(
        'invalid_argument',
        `--state must be pruned or fail, got ${JSON.stringify(state)}`,
      );
    else if (typeof value === 'string') result = Number(value);
    else if (typeof values === 'string') result = values.split(',').map(Number);
    else throw new TunekitError('invalid_argument', 'give --value V, --values V1,V2 or --state pruned|fail');
    const study = await loadStudy({ studyName: name, storage: storageUrl(args) });
    try {
      const record = await study.tell(
        number,
        result,
        state === 'fail' ? { failReason: 'failed by tunekit tell' } : {},
      );
      if (!args.options.quiet)
        console.log(
          `trial ${record.number}: ${record.state}${record.failReason ? ` (${record.failReason})` : ''}`,
        );
    } finally {
      await study.storage.close();
    }
    return 0;
  },
};
