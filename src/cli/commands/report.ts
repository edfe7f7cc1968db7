// `tunekit report <study> --out report.html`: writes one self-contained HTML file with the dashboard's
// plots of a study (chart library and data inline; opens offline).
import { defineCommand } from '../args.js';
import { STORAGE, STUDY, storageUrl, withStorage } from '../common.js';

export const report = defineCommand({
  name: 'report',
  summary: 'write a self-contained HTML report with the plots of a study',
  positionals: [STUDY],
  options: {
    storage: STORAGE,
    out: { type: 'string', value: 'FILE', description: 'the HTML file to write', default: 'report.html' },
  },
  notes: ['The file needs no server and no network: open it in any browser.'],
  async run({ positionals: [study], options }) {
    // Loaded on use: other commands never pay for the dashboard.
    const { writeReport } = await import('../../dashboard/index.js');
    const { bytes } = await withStorage(storageUrl(options.storage), (storage) =>
      writeReport({ storage, study: study!, out: options.out }),
    );
    console.log(`tunekit report: wrote ${options.out} (${(bytes / 1024).toFixed(0)} KiB)`);
    return 0;
  },
});
