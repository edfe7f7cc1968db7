// API paths, built in one place: the page requests them and the static report precomputes the same ones,
// so a report answers exactly the requests the page makes.
const enc = encodeURIComponent;

export const paths = {
  health: () => '/api/health',
  studies: () => '/api/studies',
  study: (study: string) => `/api/studies/${enc(study)}`,
  revision: (study: string) => `/api/studies/${enc(study)}/revision`,
  trials: (study: string, query: string) => `/api/studies/${enc(study)}/trials${query ? `?${query}` : ''}`,
  trial: (study: string, number: number) => `/api/studies/${enc(study)}/trials/${number}`,
  plot: (study: string, plot: PlotName, query: Record<string, string | number> = {}) => {
    const search = new URLSearchParams(
      Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    return `/api/studies/${enc(study)}/plots/${plot}${search ? `?${search}` : ''}`;
  },
  analysis: (study: string, objective: number) =>
    `/api/studies/${enc(study)}/analysis?objective=${objective}`,
  note: (study: string, number: number) => `/api/studies/${enc(study)}/trials/${number}/note`,
  studyNote: (study: string) => `/api/studies/${enc(study)}/note`,
  enqueue: (study: string) => `/api/studies/${enc(study)}/enqueue`,
  stop: (study: string) => `/api/studies/${enc(study)}/stop`,
};

export type PlotName =
  | 'history'
  | 'intermediate'
  | 'parallel'
  | 'slice'
  | 'contour'
  | 'rank'
  | 'pareto'
  | 'hypervolume'
  | 'timeline'
  | 'edf';
