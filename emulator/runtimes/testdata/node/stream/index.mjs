export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 201,
    headers: { 'x-request': context.awsRequestId },
  });
  stream.write('hello ');
  await new Promise((resolve) => setTimeout(resolve, 10));
  stream.end('world');
});

export const fails = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.setContentType('text/plain');
  responseStream.write('partial');
  await new Promise((resolve) => setTimeout(resolve, 10));
  throw new Error('failed mid-stream');
});
