import { readFileSync } from 'node:fs';

const pkgName = typeof readFileSync === 'function' ? 'esm' : 'x';

export const handler = async (event, context) => ({
  module: pkgName,
  requestId: context.awsRequestId,
  got: event,
});
