// `tunekit report <study> --out report.html`: writes one self-contained HTML file with the dashboard's
// plots of a study (chart library and data inline; opens offline).
import { parseArgs } from '../args.js';
import { storageUrl, studyArg } from '../common.js';
import type { Command } from './index.js';

export const report: Command = {
  summary: 'write a self-contained HTML report with the plots of a study',
  help: 'Usage: tunekit report <study> [--storage URL] [--out report.html]\n\nThe file needs no server and no network: open it in any browser.',
  async run(argv) {
    // Loaded on use: other commands never pay for the dashboard.
    const { writeReport } = await import('../../dashboard/index.js');
    const args = parseArgs(argv, { values: ['storage', 'out'] });
    const study = studyArg(args, 'report');
    const out = typeof args.options.out === 'string' ? args.options.out : 'report.html';
    const { bytes } = await writeReport({ storage: storageUrl(args), study, out });
    console.log(`tunekit report: wrote ${out} (${(bytes / 1024).toFixed(0)} KiB)`);
    return 0;
  },
};
