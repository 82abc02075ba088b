/*
 * lambench's Node.js runtime interface client.
 *
 * It runs a Lambda function written for the nodejs18.x, nodejs20.x and
 * nodejs22.x managed runtimes against the Lambda Runtime API, behaving as
 * AWS's aws-lambda-nodejs-runtime-interface-client does: the same handler
 * resolution (CommonJS, ES modules, "dir/file.export.path"), the same
 * context object, callback semantics (callbackWaitsForEmptyEventLoop),
 * error payloads {"errorType","errorMessage","trace"}, init error types,
 * and the same console log format.
 *
 * Node built-ins only. Started as: node [flags] runtime.cjs, with
 * AWS_LAMBDA_RUNTIME_API, _HANDLER and LAMBDA_TASK_ROOT in the environment.
 */

'use strict';

const http = require('http');
const fs = require('fs');
const path = require('path');
const util = require('util');

const API_PREFIX = '/2018-06-01/runtime';
const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';
const XRAY_ERROR_HEADER = 'Lambda-Runtime-Function-XRay-Error-Cause';

/* ------------------------------------------------------------------ */
/* Errors                                                             */
/* ------------------------------------------------------------------ */

// Runtime errors carry their type in the prototype's name, so a stack
// begins "Runtime.ImportModuleError: ..." as on AWS.
function runtimeError(shortName) {
  const cls = class extends Error {};
  Object.defineProperty(cls, 'name', { value: shortName });
  cls.prototype.name = 'Runtime.' + shortName;
  return cls;
}

const ImportModuleError = runtimeError('ImportModuleError');
const HandlerNotFound = runtimeError('HandlerNotFound');
const MalformedHandlerName = runtimeError('MalformedHandlerName');
const UserCodeSyntaxError = runtimeError('UserCodeSyntaxError');
const MalformedStreamingHandler = runtimeError('MalformedStreamingHandler');
const InvalidStreamingOperation = runtimeError('InvalidStreamingOperation');

class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
UnhandledPromiseRejection.prototype.name = 'Runtime.UnhandledPromiseRejection';

class NodeJsExit extends Error {
  constructor() {
    super(
      'The Lambda runtime client detected an unexpected Node.js exit code. ' +
        'This is most commonly caused by a Promise that was never settled. ' +
        'For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes',
    );
  }
}
NodeJsExit.prototype.name = 'Runtime.NodeJsExit';

function looksLikeError(v) {
  return (
    v &&
    typeof v.name === 'string' &&
    typeof v.message === 'string' &&
    typeof v.stack === 'string' &&
    v.name &&
    v.message &&
    v.stack
  );
}

function intoError(err) {
  return err instanceof Error ? err : new Error(err);
}

// The body posted to /error and /init/error.
function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || looksLikeError(error)) {
      return {
        errorType: error.name?.replace(/\x7F/g, '%7F'),
        errorMessage: error.message?.replace(/\x7F/g, '%7F'),
        trace: error.stack.replace(/\x7F/g, '%7F').split('\n'),
      };
    }
    return {
      errorType: typeof error,
      errorMessage: error.toString(),
      trace: [],
    };
  } catch (_) {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

// Errors serialise with their non-enumerable fields and the stack as lines.
function errorFields(v) {
  if (!(v instanceof Error)) {
    return v;
  }
  const out = Object.assign(
    { errorType: v.name, errorMessage: v.message, code: v.code },
    v,
  );
  if (typeof v.stack === 'string') {
    out.stack = v.stack.split('\n');
  }
  return out;
}

// The text logged after "Invoke Error" and friends: a tab, then JSON.
function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => errorFields(v));
  } catch (_) {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

// The X-Ray cause header value; '' when it cannot be built.
function xrayCause(err) {
  try {
    const frames = [];
    if (err && typeof err.stack === 'string') {
      const lines = err.stack.replace(/\x7F/g, '%7F').split('\n');
      lines.shift();
      for (const raw of lines) {
        let line = raw.trim().replace(/\(|\)/g, '');
        line = line.substring(line.indexOf(' ') + 1);
        const cut = line.lastIndexOf(' ');
        const label = cut >= 0 ? line.slice(0, cut) : null;
        const loc = (label ? line.slice(cut + 1) : line).split(':');
        frames.push({
          path: loc[0],
          line: parseInt(loc[1]),
          label: label || 'anonymous',
        });
      }
    }
    const cause = {
      working_directory: process.cwd(),
      exceptions: [
        {
          type: err?.name?.replace(/\x7F/g, '%7F'),
          message: err?.message?.replace(/\x7F/g, '%7F'),
          stack: frames,
        },
      ],
      paths: Array.from(new Set(frames.map((f) => f.path))),
    };
    // Header values must be Latin-1 without control characters: escape
    // everything else the JSON way, which keeps the JSON equivalent.
    return JSON.stringify(cause).replace(
      /[^\x20-\x7e]/g,
      (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
    );
  } catch (_) {
    return '';
  }
}

/* ------------------------------------------------------------------ */
/* Console                                                            */
/* ------------------------------------------------------------------ */

// The request id is kept where AWS keeps it, so tools that read it work.
const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');
const TENANT_ID = Symbol.for('aws.lambda.runtime.tenantId');

const LEVELS = Object.freeze({
  TRACE: { name: 'TRACE', priority: 1 },
  DEBUG: { name: 'DEBUG', priority: 2 },
  INFO: { name: 'INFO', priority: 3 },
  WARN: { name: 'WARN', priority: 4 },
  ERROR: { name: 'ERROR', priority: 5 },
  FATAL: { name: 'FATAL', priority: 6 },
});

const structuredConsole = {};

function jsonErrorReplacer(_k, v) {
  if (v instanceof Error) {
    return Object.assign(
      {
        errorType: v?.constructor?.name ?? 'UnknownError',
        errorMessage: v.message,
        stackTrace: typeof v.stack === 'string' ? v.stack.split('\n') : v.stack,
      },
      v,
    );
  }
  return v;
}

function jsonLine(requestId, time, level, params) {
  const rec = { timestamp: time, level: level.name, requestId: requestId };
  const tenant = global[TENANT_ID];
  if (tenant !== undefined && tenant !== null) {
    rec.tenantId = tenant;
  }
  if (params.length === 1) {
    rec.message = params[0];
    try {
      return JSON.stringify(rec, jsonErrorReplacer);
    } catch (_) {
      rec.message = util.format(rec.message);
      return JSON.stringify(rec);
    }
  }
  rec.message = util.format(...params);
  for (const p of params) {
    if (p instanceof Error) {
      rec.errorType = p?.constructor?.name ?? 'UnknownError';
      rec.errorMessage = p.message;
      rec.stackTrace = typeof p.stack === 'string' ? p.stack.split('\n') : [];
      break;
    }
  }
  return JSON.stringify(rec);
}

function textLogger(level, message, params) {
  const line =
    new Date().toISOString() +
    '\t' +
    global[REQUEST_ID] +
    '\t' +
    level.name +
    '\t' +
    util.format(message, ...params);
  // One message is one log event: newlines inside it become \r.
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

function jsonLogger(level, message, params) {
  const line = jsonLine(global[REQUEST_ID], new Date().toISOString(), level, [message, ...params]);
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

function patchConsole() {
  const json = (process.env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';
  const log = json ? jsonLogger : textLogger;
  const min = LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] || LEVELS.TRACE;
  const nop = () => {};
  const at = (level) =>
    level.priority >= min.priority ? (message, ...params) => log(level, message, params) : nop;
  console.trace = at(LEVELS.TRACE);
  console.debug = at(LEVELS.DEBUG);
  console.info = at(LEVELS.INFO);
  console.log = console.info;
  console.warn = at(LEVELS.WARN);
  console.error = at(LEVELS.ERROR);
  console.fatal = (message, ...params) => log(LEVELS.FATAL, message, params);
  structuredConsole.logError = json
    ? (_msg, err) => console.error(intoError(err))
    : (msg, err) => console.error(msg, toFormatted(intoError(err)));
}

/* ------------------------------------------------------------------ */
/* beforeExit: the event loop is empty                                */
/* ------------------------------------------------------------------ */

const BEFORE_EXIT = Symbol.for('aws.lambda.beforeExit');
const NO_OP = () => {};
const BeforeExitListener = {
  invoke: () => global[BEFORE_EXIT](),
  reset: () => {
    global[BEFORE_EXIT] = NO_OP;
  },
  set: (fn) => {
    global[BEFORE_EXIT] = fn;
  },
};

/* ------------------------------------------------------------------ */
/* Runtime API client                                                 */
/* ------------------------------------------------------------------ */

function serialize(body) {
  try {
    return JSON.stringify(body === undefined ? null : body);
  } catch (_) {
    throw new Error('Unable to stringify response body');
  }
}

// Drops header values Node would refuse (control or non-Latin-1 characters).
function safeHeaders(headers) {
  const out = {};
  for (const [k, v] of Object.entries(headers)) {
    if (typeof v === 'string' && v !== '' && !/[^\t\x20-\x7e\x80-\xff]/.test(v)) {
      out[k] = v;
    }
  }
  return out;
}

function isRetryable(err, req) {
  return (
    req.reusedSocket &&
    (err.code === 'ECONNRESET' || err.code === 'EPIPE' || err.code === 'ECONNABORTED')
  );
}

class RAPIDClient {
  constructor(hostPort) {
    const i = (hostPort || '').lastIndexOf(':');
    this.hostname = i >= 0 ? hostPort.slice(0, i) : hostPort;
    this.port = i >= 0 ? parseInt(hostPort.slice(i + 1), 10) : 80;
    if (this.hostname.startsWith('[') && this.hostname.endsWith(']')) {
      this.hostname = this.hostname.slice(1, -1);
    }
    // One connection, kept alive: the Runtime API is a strict sequence of
    // next / response calls. Idle keep-alive sockets are unref'd by the
    // agent, so they do not hold the event loop open.
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  // request sends one request and resolves with {status, headers, body};
  // a kept-alive socket closed by the server under it is retried once.
  request(method, urlPath, body, headers, retried) {
    return new Promise((resolve, reject) => {
      const options = {
        hostname: this.hostname,
        port: this.port,
        path: urlPath,
        method: method,
        agent: this.agent,
        headers: headers,
      };
      const req = http.request(options, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      });
      req.on('error', (err) => {
        if (!retried && isRetryable(err, req)) {
          this.request(method, urlPath, body, headers, true).then(resolve, reject);
        } else {
          reject(err);
        }
      });
      req.end(body);
    });
  }

  async nextInvocation() {
    const res = await this.request('GET', API_PREFIX + '/invocation/next');
    if (res.status !== 200) {
      throw new Error(
        `Failed to get next invocation: ${res.status} ${res.body.slice(0, 200)}`,
      );
    }
    return { bodyJson: res.body, headers: res.headers };
  }

  _post(urlPath, bodyString, extraHeaders, callback) {
    const headers = Object.assign(
      {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(bodyString),
      },
      safeHeaders(extraHeaders || {}),
    );
    this.request('POST', urlPath, bodyString, headers).then(
      () => callback(),
      (err) => fatal(err),
    );
  }

  postInvocationResponse(response, id, callback) {
    const body = serialize(response);
    this._post(API_PREFIX + '/invocation/' + encodeURIComponent(id) + '/response', body, {}, callback);
  }

  postInvocationError(error, id, callback) {
    const response = toRapidResponse(error);
    const body = serialize(response);
    this._post(
      API_PREFIX + '/invocation/' + encodeURIComponent(id) + '/error',
      body,
      { [ERROR_TYPE_HEADER]: response.errorType, [XRAY_ERROR_HEADER]: xrayCause(error) },
      callback,
    );
  }

  postInitError(error, callback) {
    const response = toRapidResponse(error);
    this._post(API_PREFIX + '/init/error', serialize(response), { [ERROR_TYPE_HEADER]: response.errorType }, callback);
  }

  // A streamed response: a chunked POST whose failure travels in trailers.
  streamResponse(id, contentType) {
    const req = http.request({
      hostname: this.hostname,
      port: this.port,
      path: API_PREFIX + '/invocation/' + encodeURIComponent(id) + '/response',
      method: 'POST',
      agent: this.agent,
      headers: {
        'Content-Type': contentType || 'application/octet-stream',
        'Lambda-Runtime-Function-Response-Mode': 'streaming',
        'Transfer-Encoding': 'chunked',
        Trailer: [ERROR_TYPE_HEADER, 'Lambda-Runtime-Function-Error-Body'].join(', '),
      },
    });
    const done = new Promise((resolve, reject) => {
      req.on('response', (res) => {
        res.on('data', () => {});
        res.on('end', resolve);
        res.on('error', reject);
      });
      req.on('error', reject);
    });
    return { req, done };
  }
}

// The Runtime API is gone: nothing more can be reported.
function fatal(err) {
  console.log(`Unexpected Top Level Error: ${err && err.toString()}`);
  process.exit(1);
}

/* ------------------------------------------------------------------ */
/* Loading the handler                                                */
/* ------------------------------------------------------------------ */

const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const STREAM_RESPONSE = 'response';

function fileExists(p) {
  try {
    return fs.statSync(p).isFile();
  } catch (_) {
    return false;
  }
}

function requireIfExists(file, ext) {
  const p = file + (ext || '');
  return fileExists(p) ? require(p) : undefined;
}

async function importIfExists(file, ext) {
  const p = file + (ext || '');
  return fileExists(p) ? await import(p) : undefined;
}

// Whether the nearest package.json above folder says "type": "module".
function folderIsModule(folder) {
  for (;;) {
    if (folder.endsWith('/node_modules')) {
      return false;
    }
    const pj = path.join(folder, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(pj));
        if (pkg) {
          return pkg.type === 'module';
        }
      } catch (e) {
        console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
        return false;
      }
    }
    if (folder === '/') {
      return false;
    }
    folder = path.resolve(folder, '..');
  }
}

async function requireModule(appRoot, moduleRoot, module) {
  const file = path.resolve(appRoot, moduleRoot, module);

  const bare = requireIfExists(file);
  if (bare) {
    return bare;
  }
  const isModule = folderIsModule(path.dirname(file));
  if (!isModule) {
    const cjs = requireIfExists(file, '.js');
    if (cjs) {
      return cjs;
    }
  }
  const loaded =
    (isModule && (await importIfExists(file, '.js'))) ||
    (await importIfExists(file, '.mjs')) ||
    requireIfExists(file, '.cjs');
  if (loaded) {
    return loaded;
  }
  // Last, Node's own resolution from the task root (node_modules, index.js).
  return require(require.resolve(module, { paths: [appRoot, moduleRoot] }));
}

async function loadUserApp(appRoot, moduleRoot, module) {
  if (!(process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA === '1' ||
        process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA === 'true')) {
    globalThis.awslambda = {
      streamifyResponse: (handler, options) => {
        handler[HANDLER_STREAMING] = STREAM_RESPONSE;
        if (typeof options?.highWaterMark === 'number') {
          handler[HANDLER_HIGHWATERMARK] = parseInt(options.highWaterMark);
        }
        return handler;
      },
      HttpResponseStream: HttpResponseStream,
    };
  }
  try {
    return await requireModule(appRoot, moduleRoot, module);
  } catch (e) {
    if (e instanceof SyntaxError) {
      throw new UserCodeSyntaxError(e);
    }
    if (e && e.code === 'MODULE_NOT_FOUND') {
      throw new ImportModuleError(e);
    }
    throw e;
  }
}

async function loadHandler(appRoot, fullHandler) {
  if (fullHandler.includes('..')) {
    throw new MalformedHandlerName(
      `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const base = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(base));
  const match = base.match(/^([^.]*)\.(.*)$/);
  if (!match || match.length !== 3) {
    throw new MalformedHandlerName('Bad handler');
  }
  const [, module, handlerPath] = match;
  const app = await loadUserApp(appRoot, moduleRoot, module);
  const fn = handlerPath.split('.').reduce((o, k) => o && o[k], app);
  if (!fn) {
    throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  }
  if (typeof fn !== 'function') {
    throw new HandlerNotFound(`${fullHandler} is not a function`);
  }
  return fn;
}

function handlerMetadata(fn) {
  let streaming = false;
  const mark = fn[HANDLER_STREAMING];
  if (mark !== undefined && mark !== null && mark !== false) {
    if (mark !== STREAM_RESPONSE) {
      throw new MalformedStreamingHandler('Only response streaming is supported.');
    }
    streaming = STREAM_RESPONSE;
  }
  let highWaterMark;
  if (fn[HANDLER_HIGHWATERMARK] !== undefined && fn[HANDLER_HIGHWATERMARK] !== null) {
    const n = parseInt(fn[HANDLER_HIGHWATERMARK]);
    highWaterMark = isNaN(n) ? undefined : n;
  }
  let isAsync = false;
  try {
    isAsync = fn.constructor && fn.constructor.name === 'AsyncFunction';
  } catch (_) {}
  return { streaming, highWaterMark, isAsync, argsNum: fn.length };
}

/* ------------------------------------------------------------------ */
/* Response streaming (awslambda.streamifyResponse)                   */
/* ------------------------------------------------------------------ */

const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

class HttpResponseStream {
  static from(underlying, prelude) {
    underlying.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
    underlying.write(JSON.stringify(prelude));
    underlying.write(Buffer.alloc(8)); // the prelude ends with 8 NUL bytes
    return underlying;
  }
}

/* ------------------------------------------------------------------ */
/* Per-invocation context                                             */
/* ------------------------------------------------------------------ */

function parseHeaderJson(value, name) {
  if (value === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err.toString()}`);
  }
}

class InvokeContext {
  constructor(headers) {
    this.headers = headers; // Node lower-cases header names
  }

  get invokeId() {
    const id = this.headers['lambda-runtime-aws-request-id'];
    if (!id) {
      throw new Error('invocation id is missing or invalid');
    }
    return id;
  }

  updateLoggingContext() {
    global[REQUEST_ID] = this.invokeId;
    global[TENANT_ID] = this.headers['lambda-runtime-aws-tenant-id'];
  }

  attachEnvironmentData(target) {
    const trace = this.headers['lambda-runtime-trace-id'];
    if (trace) {
      process.env._X_AMZN_TRACE_ID = trace;
    } else {
      delete process.env._X_AMZN_TRACE_ID;
    }
    const deadline = this.headers['lambda-runtime-deadline-ms'];
    return Object.assign(
      target,
      {
        functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
        functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
        memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
        logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
        logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      },
      {
        clientContext: parseHeaderJson(this.headers['lambda-runtime-client-context'], 'ClientContext'),
        identity: parseHeaderJson(this.headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
        invokedFunctionArn: this.headers['lambda-runtime-invoked-function-arn'],
        awsRequestId: this.headers['lambda-runtime-aws-request-id'],
        tenantId: this.headers['lambda-runtime-aws-tenant-id'],
        getRemainingTimeInMillis: function () {
          return deadline - Date.now();
        },
      },
    );
  }
}

// The callback, and the context's succeed/fail/done and
// callbackWaitsForEmptyEventLoop; only the first completion counts.
function buildCallbackContext(client, id, scheduleNext) {
  const postError = (err, cb) => {
    structuredConsole.logError('Invoke Error', err);
    client.postInvocationError(err, id, cb);
  };
  let completed = false;
  const complete = (result, cb) => {
    if (completed) {
      console.error(
        'Invocation has already been reported as done. Cannot call complete more than once per invocation.',
      );
      return;
    }
    completed = true;
    client.postInvocationResponse(result, id, cb);
  };
  let waitForEmptyEventLoop = true;

  const callback = function (err, result) {
    BeforeExitListener.reset();
    if (err !== undefined && err !== null) {
      postError(err, scheduleNext);
    } else if (!waitForEmptyEventLoop) {
      complete(result, scheduleNext);
    } else {
      // Answer once the event loop has nothing left to do.
      BeforeExitListener.set(() => {
        setImmediate(() => complete(result, scheduleNext));
      });
    }
  };
  const done = (err, result) => {
    BeforeExitListener.reset();
    if (err !== undefined && err !== null) {
      postError(err, scheduleNext);
    } else {
      complete(result, scheduleNext);
    }
  };
  const succeed = (result) => done(null, result);
  const fail = (err) => {
    if (err === undefined || err === null) {
      done('handled');
    } else {
      done(err, null);
    }
  };
  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyEventLoop = value;
    },
    succeed,
    fail,
    done,
  };

  let finished = false;
  const once = (fn) =>
    function () {
      if (!finished) {
        fn.apply(null, arguments);
        finished = true;
      }
    };
  context.succeed = once(context.succeed);
  context.fail = once(context.fail);
  context.done = once(context.done);
  return [once(callback), context, () => (completed = true)];
}

/* ------------------------------------------------------------------ */
/* The invoke loop                                                    */
/* ------------------------------------------------------------------ */

function isPromise(v) {
  return v && typeof v.then === 'function';
}

class Runtime {
  constructor(client, handler, metadata, errorCallbacks) {
    this.client = client;
    this.handler = handler;
    this.metadata = metadata;
    this.errorCallbacks = errorCallbacks;
    this.handleOnce =
      metadata.streaming === STREAM_RESPONSE ? this.handleOnceStreaming : this.handleOnceNonStreaming;
  }

  scheduleIteration() {
    setImmediate(() => {
      this.handleOnce().then(
        () => {},
        (err) => {
          console.log(`Unexpected Top Level Error: ${err.toString()}`);
          this.errorCallbacks.uncaughtException(err);
        },
      );
    });
  }

  async handleOnceNonStreaming() {
    const { bodyJson, headers } = await this.client.nextInvocation();
    const invokeContext = new InvokeContext(headers);
    invokeContext.updateLoggingContext();
    const [callback, callbackContext, markCompleted] = buildCallbackContext(
      this.client,
      invokeContext.invokeId,
      this.scheduleIteration.bind(this),
    );
    try {
      this.setErrorCallbacks(invokeContext.invokeId);
      this.setDefaultExitListener(invokeContext.invokeId, markCompleted, this.metadata.isAsync);
      const result = this.handler(
        JSON.parse(bodyJson),
        invokeContext.attachEnvironmentData(callbackContext),
        callback,
      );
      if (isPromise(result)) {
        result.then(callbackContext.succeed, callbackContext.fail).catch(callbackContext.fail);
      }
    } catch (err) {
      callback(err);
    }
  }

  async handleOnceStreaming() {
    const { bodyJson, headers } = await this.client.nextInvocation();
    const invokeContext = new InvokeContext(headers);
    invokeContext.updateLoggingContext();
    const id = invokeContext.invokeId;
    const scheduleNext = this.scheduleIteration.bind(this);

    let stream = null;
    let responseDone = null;
    let contentType;
    let failed = false;
    const open = () => {
      if (!stream) {
        const s = this.client.streamResponse(id, contentType);
        stream = s.req;
        responseDone = s.done;
      }
      return stream;
    };
    // The writable handed to the handler opens the POST on first use, so
    // the content type can still be set before any byte is written.
    const { Writable } = require('stream');
    const responseStream = new Writable({
      highWaterMark: this.metadata.highWaterMark,
      write(chunk, encoding, cb) {
        const req = open();
        if (req.writableEnded) {
          cb(); // the invocation already failed
          return;
        }
        req.write(chunk, encoding, cb);
      },
      final(cb) {
        const req = open();
        if (req.writableEnded) {
          cb();
          return;
        }
        req.end(cb);
      },
    });
    responseStream.setContentType = (ct) => {
      if (stream) {
        throw new InvalidStreamingOperation('Cannot set content-type, too late.');
      }
      contentType = ct;
    };
    const fail = (err) => {
      if (failed) {
        return;
      }
      failed = true;
      structuredConsole.logError('Invoke Error', err);
      const response = toRapidResponse(intoError(err));
      const req = open();
      try {
        req.addTrailers({
          [ERROR_TYPE_HEADER]: response.errorType,
          'Lambda-Runtime-Function-Error-Body': Buffer.from(JSON.stringify(response)).toString('base64'),
        });
      } catch (_) {}
      req.end();
    };

    this.setErrorCallbacks(id);
    BeforeExitListener.set(() => scheduleNext());
    const ctx = invokeContext.attachEnvironmentData({});
    try {
      const result = this.handler(JSON.parse(bodyJson), responseStream, ctx);
      if (!isPromise(result)) {
        fail('Streaming does not support non-async handlers.');
      } else {
        const value = await result;
        if (typeof value !== 'undefined') {
          console.warn('Streaming handlers ignore return values.');
        }
        if (!responseStream.writableEnded) {
          fail('Response stream is not finished.');
        }
      }
    } catch (err) {
      fail(err);
    }
    try {
      await responseDone;
    } catch (err) {
      fatal(err);
      return;
    }
    BeforeExitListener.reset();
    scheduleNext();
  }

  setErrorCallbacks(id) {
    this.errorCallbacks.uncaughtException = (error) => {
      this.client.postInvocationError(error, id, () => process.exit(129));
    };
    this.errorCallbacks.unhandledRejection = (error) => {
      this.client.postInvocationError(error, id, () => process.exit(128));
    };
  }

  // If the event loop empties before the handler answered: a callback or
  // sync handler succeeds with null, an async one fails (Runtime.NodeJsExit).
  setDefaultExitListener(id, markCompleted, isAsync) {
    BeforeExitListener.set(() => {
      markCompleted();
      if (isAsync) {
        const err = new NodeJsExit();
        structuredConsole.logError('Invoke Error', err);
        this.client.postInvocationError(err, id, () => this.scheduleIteration());
      } else {
        this.client.postInvocationResponse(null, id, () => this.scheduleIteration());
      }
    });
  }
}

/* ------------------------------------------------------------------ */
/* Entry point                                                        */
/* ------------------------------------------------------------------ */

async function run(appRoot, handlerString) {
  patchConsole();
  const client = new RAPIDClient(process.env.AWS_LAMBDA_RUNTIME_API);

  // Until the first invocation, failures are init errors.
  const errorCallbacks = {
    uncaughtException: (error) => client.postInitError(error, () => process.exit(129)),
    unhandledRejection: (error) => client.postInitError(error, () => process.exit(128)),
  };
  process.on('uncaughtException', (error) => {
    structuredConsole.logError('Uncaught Exception', error);
    errorCallbacks.uncaughtException(error);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const error = new UnhandledPromiseRejection(reason, promise);
    structuredConsole.logError('Unhandled Promise Rejection', error);
    errorCallbacks.unhandledRejection(error);
  });
  BeforeExitListener.reset();
  process.on('beforeExit', BeforeExitListener.invoke);

  let handler;
  let metadata;
  try {
    handler = await loadHandler(appRoot, handlerString);
    metadata = handlerMetadata(handler);
  } catch (err) {
    // As a rejected top-level await is for AWS's ES module entry point.
    structuredConsole.logError('Uncaught Exception', err);
    errorCallbacks.uncaughtException(err);
    return;
  }
  new Runtime(client, handler, metadata, errorCallbacks).scheduleIteration();
}

run(process.env.LAMBDA_TASK_ROOT || process.cwd(), process.env._HANDLER || '');
