// Exit codes of the CLI, documented in `tunekit --help` and the README.
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  storageUnreachable: 3,
  studyNotFound: 4,
  forCode(code: string): number {
    if (code === 'study_not_found') return EXIT.studyNotFound;
    if (code === 'storage_unreachable' || code === 'storage_disconnected') return EXIT.storageUnreachable;
    if (code === 'invalid_argument' || code === 'invalid_distribution' || code.startsWith('config'))
      return EXIT.usage;
    return EXIT.error;
  },
};
