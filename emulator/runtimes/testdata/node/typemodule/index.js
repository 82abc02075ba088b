export async function handler(event) {
  return { type: 'module', isEsm: typeof require === 'undefined', event };
}
