'use strict';

// Answers with what it got, from a plain (sync) function: no callback is
// called, so the runtime answers null once the event loop is empty.
exports.sync = function (event) {
  console.log('sync handler ran');
};

exports.echo = async (event) => ({ echo: event });

exports.callback = function (event, context, callback) {
  callback(null, { via: 'callback', n: event.n });
};

// The callback is called at once but a timer keeps the event loop busy:
// the response waits for it unless callbackWaitsForEmptyEventLoop is false.
exports.callbackWaits = function (event, context, callback) {
  const started = Date.now();
  let timerFired = false;
  context.callbackWaitsForEmptyEventLoop = event.wait;
  setTimeout(() => {
    timerFired = true;
    console.log('timer fired');
  }, event.delayMs);
  callback(null, { started });
};

exports.context = async (event, context) => ({
  awsRequestId: context.awsRequestId,
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  memoryLimitInMB: context.memoryLimitInMB,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  remaining: context.getRemainingTimeInMillis(),
  clientContext: context.clientContext,
  identity: context.identity,
  callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
  traceEnv: process.env._X_AMZN_TRACE_ID,
  cwd: process.cwd(),
});

exports.throws = async () => {
  throw new TypeError('bad thing');
};

exports.callbackError = (event, context, callback) => {
  callback(new Error('callback failed'));
};

exports.rejectString = () => Promise.reject('plain string');

exports.unhandled = async () => {
  Promise.reject(new Error('nobody caught me'));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return 'not reached';
};

exports.uncaught = (event, context, callback) => {
  setTimeout(() => {
    throw new RangeError('thrown from a timer');
  }, 5);
};

exports.neverSettles = async () => new Promise(() => {});

exports.logs = async (event) => {
  console.log('plain log');
  console.info('info %s', 'formatted');
  console.warn('warn line');
  console.error('error line');
  console.debug('debug line');
  console.log('line one\nline two');
  console.log({ nested: { a: 1 } });
  return 'logged';
};

exports.circular = async () => {
  const o = {};
  o.self = o;
  return o;
};

exports.nested = { deeper: { fn: async () => 'nested export' } };
exports.notAFunction = 42;

exports.slow = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, event.ms));
  return 'slow';
};

exports.done = function (event, context) {
  context.done(null, 'done called');
  context.done(null, 'only the first call counts');
};
