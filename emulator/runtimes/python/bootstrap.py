"""lambench's Python runtime interface client.

Runs a Lambda function written for the python3.x managed runtimes against the
Lambda Runtime API, behaving as AWS's awslambdaric does: the same handler
resolution ("module.function", "pkg.mod.function", "pkg/mod.function"), the
same context object, error payloads
{"errorMessage", "errorType", "requestId", "stackTrace"}, init error types,
the root logger's format and unbuffered stdout.

Standard library only; Python 3.8 or newer. Started as
python3 bootstrap.py, with AWS_LAMBDA_RUNTIME_API, _HANDLER and
LAMBDA_TASK_ROOT in the environment. The file must stay named bootstrap.py:
its frames are cut from the tracebacks it reports by that name, as
awslambdaric's are.
"""

import decimal
import http.client
import importlib
import json
import logging
import math
import os
import select
import socket
import sys
import time
import traceback
import uuid

ERROR_LOG_LINE_TERMINATE = "\r"
ERROR_LOG_IDENT = "\u00a0"  # NO-BREAK SPACE: keeps indentation in one log line
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
XRAY_ERROR_HEADER = "Lambda-Runtime-Function-XRay-Error-Cause"
API_PREFIX = "/2018-06-01/runtime"

LAMBDA_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the "
    "function code. However, in rare cases, a Lambda runtime update can cause "
    "unexpected function behavior. For functions using managed runtimes, runtime "
    "updates can be triggered by a function change, or can be applied automatically. "
    "To determine if the runtime has been updated, check the runtime version in the "
    "INIT_START log entry. If this error correlates with a change in the runtime "
    "version, you may be able to mitigate this error by temporarily rolling back to "
    "the previous runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)

_GLOBAL_AWS_REQUEST_ID = None
_GLOBAL_TENANT_ID = None


class FaultException(Exception):
    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"
    LAMBDA_RUNTIME_CLIENT_ERROR = "Runtime.LambdaRuntimeClientError"

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


# --- JSON ---------------------------------------------------------------------


def _ensure_ascii():
    # python3.12 and later answer with non-ASCII characters unescaped.
    env = os.environ.get("AWS_EXECUTION_ENV", "")
    prefix = "AWS_Lambda_python3."
    if env.startswith(prefix):
        try:
            return int(env[len(prefix):]) < 12
        except ValueError:
            pass
    return True


_ENSURE_ASCII = _ensure_ascii()
_DECIMAL_MARK = "\x00lambench-decimal-%s-" % uuid.uuid4().hex


class _Encoder(json.JSONEncoder):
    """Encodes Decimal as a JSON number, as awslambdaric's simplejson does."""

    def __init__(self, ensure_ascii):
        super().__init__(ensure_ascii=ensure_ascii)
        self.decimals = []

    def default(self, o):
        if isinstance(o, decimal.Decimal):
            if o.is_nan():
                return math.nan
            self.decimals.append(str(o))
            return "%s%d\x00" % (_DECIMAL_MARK, len(self.decimals) - 1)
        return super().default(o)


def to_json(obj, ensure_ascii=None):
    enc = _Encoder(_ENSURE_ASCII if ensure_ascii is None else ensure_ascii)
    out = enc.encode(obj)
    for i, raw in enumerate(enc.decimals):
        mark = json.dumps("%s%d\x00" % (_DECIMAL_MARK, i), ensure_ascii=enc.ensure_ascii)
        out = out.replace(mark, raw)
    return out


def unmarshal_request(body, content_type):
    if content_type != "application/json":
        return body
    try:
        return json.loads(body)
    except Exception as e:
        raise FaultException(
            FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(str(e))
        )


def marshal_response(response):
    if isinstance(response, bytes):
        return response, "application/unknown"
    try:
        return to_json(response), "application/json"
    except Exception as e:
        raise FaultException(
            FaultException.MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e))
        )


# --- Runtime API client ----------------------------------------------------------


class LambdaRuntimeClientError(Exception):
    def __init__(self, endpoint, response_code, response_body):
        super().__init__(
            "Request to Lambda Runtime '{}' endpoint failed. Reason: '{}'. "
            "Response body: '{}'".format(endpoint, response_code, response_body)
        )


class InvocationRequest(object):
    def __init__(self, **kwds):
        self.__dict__.update(kwds)


class LambdaRuntimeClient(object):
    """Talks to the Runtime API over one persistent HTTP/1.1 connection."""

    def __init__(self, address):
        self.address = address
        self.conn = None

    def _connect(self):
        host, _, port = self.address.rpartition(":")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        conn = http.client.HTTPConnection(host, int(port))
        conn.connect()
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.conn = conn

    def _stale(self):
        # An idle kept-alive connection the server has closed reads as ready.
        try:
            poller = select.poll()
            poller.register(self.conn.sock, select.POLLIN)
            return bool(poller.poll(0))
        except (OSError, ValueError):
            return True

    def _request(self, method, endpoint, body=None, headers=None):
        for attempt in (0, 1):
            if self.conn is None or self.conn.sock is None or self._stale():
                if self.conn is not None:
                    self.conn.close()
                self._connect()
            try:
                self.conn.request(method, endpoint, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                data = resp.read()
                return resp, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise

    def wait_next_invocation(self):
        endpoint = API_PREFIX + "/invocation/next"
        resp, body = self._request("GET", endpoint)
        if resp.status != 200:
            raise LambdaRuntimeClientError(endpoint, resp.status, body)
        h = resp.headers
        return InvocationRequest(
            invoke_id=h.get("Lambda-Runtime-Aws-Request-Id"),
            x_amzn_trace_id=h.get("Lambda-Runtime-Trace-Id"),
            invoked_function_arn=h.get("Lambda-Runtime-Invoked-Function-Arn"),
            deadline_time_in_ms=h.get("Lambda-Runtime-Deadline-Ms"),
            client_context=h.get("Lambda-Runtime-Client-Context"),
            cognito_identity=h.get("Lambda-Runtime-Cognito-Identity"),
            tenant_id=h.get("Lambda-Runtime-Aws-Tenant-Id"),
            content_type=h.get("Content-Type"),
            event_body=body,
        )

    def post_invocation_result(self, invoke_id, result_data, content_type="application/json"):
        if not isinstance(result_data, bytes):
            result_data = result_data.encode("utf-8")
        endpoint = API_PREFIX + "/invocation/" + invoke_id + "/response"
        # Whatever the answer (413 for a response too large, 4xx for an
        # invocation already settled), the invocation's outcome is the
        # Runtime API's to decide: go on to the next one.
        self._request("POST", endpoint, result_data, {"Content-Type": content_type})

    def post_invocation_error(self, invoke_id, error_response_data, error_type, xray_fault):
        endpoint = API_PREFIX + "/invocation/" + invoke_id + "/error"
        headers = {"Content-Type": "application/json"}
        _set_header(headers, ERROR_TYPE_HEADER, error_type)
        if len(xray_fault) < 1024 * 1024:
            _set_header(headers, XRAY_ERROR_HEADER, xray_fault)
        self._request("POST", endpoint, error_response_data.encode("utf-8"), headers)

    def post_init_error(self, error_response_data):
        endpoint = API_PREFIX + "/init/error"
        headers = {"Content-Type": "application/json"}
        _set_header(headers, ERROR_TYPE_HEADER, error_response_data["errorType"])
        self._check(endpoint, *self._request(
            "POST", endpoint, to_json(error_response_data).encode("utf-8"), headers))

    @staticmethod
    def _check(endpoint, resp, body):
        if resp.status != 202:
            raise LambdaRuntimeClientError(endpoint, resp.status, body)


def _set_header(headers, name, value):
    # Header values go out as Latin-1, without line breaks.
    if not value:
        return
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return
    if "\r" in value or "\n" in value:
        return
    headers[name] = value


# --- Loading the handler ---------------------------------------------------------


def _get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(
            FaultException.MALFORMED_HANDLER_NAME,
            "Bad handler '{}': {}".format(handler, str(e)),
        )
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module {} as a handler module".format(modname),
            )
        m = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(
            FaultException.IMPORT_MODULE_ERROR,
            "Unable to import module '{}': {}".format(modname, str(e)),
        )
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR,
            "Syntax error in module '{}': {}".format(modname, str(e)),
            trace,
        )
    try:
        return getattr(m, fname)
    except AttributeError:
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND,
            "Handler '{}' missing on module '{}'".format(fname, modname),
        )


# --- Errors ----------------------------------------------------------------------


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def extract_traceback(tb):
    return [
        (frame.filename, frame.lineno, frame.name, frame.line)
        for frame in traceback.extract_tb(tb)
    ]


def _user_frames(tb_tuples):
    # Drop this file's own frames from the top of the traceback.
    for i in range(len(tb_tuples)):
        if "/bootstrap.py" not in tb_tuples[i][0]:
            return tb_tuples[i:]
    return tb_tuples


def build_fault_result(exc_info, msg):
    etype, value, tb = exc_info
    tb_tuples = _user_frames(extract_traceback(tb))
    return make_error(
        msg if msg else str(value),
        etype.__name__,
        traceback.format_list(tb_tuples),
    )


def make_xray_fault(ex_type, ex_msg, working_dir, tb_tuples):
    stack = []
    files = []
    for tb_file, tb_line, tb_method, _ in tb_tuples:
        stack.append({"label": tb_method, "path": tb_file, "line": tb_line})
        if tb_file not in files:
            files.append(tb_file)
    return {
        "working_directory": working_dir,
        "exceptions": [{"message": ex_msg, "type": ex_type, "stack": stack}],
        "paths": files,
    }


def _replace_indentation(line, indent_char, new_indent_char):
    n = len(line) - len(line.lstrip(indent_char))
    return new_indent_char * n + line[n:]


def log_error(error_result, log_sink):
    if _LOG_FORMAT_JSON:
        record = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()),
            "level": "ERROR",
        }
        record.update(error_result)
        log_sink.log_error([to_json(record)])
        return
    description = "[ERROR]"
    etype = error_result.get("errorType")
    if etype:
        description += " " + etype
    emsg = error_result.get("errorMessage")
    if emsg:
        if etype:
            description += ":"
        description += " " + emsg
    lines = [description]
    stack_trace = error_result.get("stackTrace")
    if stack_trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack_trace:
            if element == "":
                lines.append("")
            else:
                for line in element.splitlines():
                    lines.append(_replace_indentation(line, " ", ERROR_LOG_IDENT))
    log_sink.log_error(lines)


# --- Context ---------------------------------------------------------------------


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return (
            "CognitoIdentity(["
            "cognito_identity_id={},cognito_identity_pool_id={}])".format(
                self.cognito_identity_id, self.cognito_identity_pool_id
            )
        )


class Client(object):
    __slots__ = [
        "installation_id",
        "app_title",
        "app_version_name",
        "app_version_code",
        "app_package_name",
    ]

    def __repr__(self):
        return (
            "Client([installation_id={},app_title={},app_version_name={},"
            "app_version_code={},app_package_name={}])".format(
                self.installation_id,
                self.app_title,
                self.app_version_name,
                self.app_version_code,
                self.app_package_name,
            )
        )


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]

    def __repr__(self):
        return "ClientContext([custom={},env={},client={}])".format(
            self.custom, self.env, self.client
        )


def make_obj_from_dict(cls, d):
    if d is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, d.get(field, None))
    return obj


class LambdaContext(object):
    def __init__(
        self,
        invoke_id,
        client_context,
        cognito_identity,
        epoch_deadline_time_in_ms,
        invoked_function_arn=None,
        tenant_id=None,
    ):
        self.aws_request_id = invoke_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id

        self.client_context = make_obj_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = make_obj_from_dict(Client, self.client_context.client)

        self.identity = make_obj_from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")

        self._epoch_deadline_time_in_ms = epoch_deadline_time_in_ms

    def get_remaining_time_in_millis(self):
        delta_ms = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return delta_ms if delta_ms > 0 else 0

    def log(self, msg):
        for handler in logging.getLogger().handlers:
            if hasattr(handler, "log_sink"):
                handler.log_sink.log(str(msg))
                return
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id={},log_group_name={},log_stream_name={},"
            "function_name={},memory_limit_in_mb={},function_version={},"
            "invoked_function_arn={},client_context={},identity={},tenant_id={}])".format(
                self.aws_request_id,
                self.log_group_name,
                self.log_stream_name,
                self.function_name,
                self.memory_limit_in_mb,
                self.function_version,
                self.invoked_function_arn,
                self.client_context,
                self.identity,
                self.tenant_id,
            )
        )


def _parse_json_header(value, name):
    try:
        return json.loads(value)
    except Exception as e:
        raise FaultException(
            FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR,
            "Unable to parse {} JSON: {}".format(name, str(e)),
        )


def create_lambda_context(
    client_context_json,
    cognito_identity_json,
    epoch_deadline_time_in_ms,
    invoke_id,
    invoked_function_arn,
    tenant_id,
):
    client_context = None
    if client_context_json:
        client_context = _parse_json_header(client_context_json, "Client Context")
    cognito_identity = None
    if cognito_identity_json:
        cognito_identity = _parse_json_header(cognito_identity_json, "Cognito Identity")
    return LambdaContext(
        invoke_id,
        client_context,
        cognito_identity,
        int(epoch_deadline_time_in_ms or 0),
        invoked_function_arn,
        tenant_id,
    )


# --- Logging ---------------------------------------------------------------------

_LOG_FORMAT_JSON = (os.environ.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON"
_LOG_LEVEL = {None: "", "TRACE": "DEBUG"}.get(
    os.environ.get("AWS_LAMBDA_LOG_LEVEL"), os.environ.get("AWS_LAMBDA_LOG_LEVEL") or ""
).upper()

_RESERVED_FIELDS = {
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename",
    "module", "exc_info", "exc_text", "stack_info", "lineno", "funcName",
    "created", "msecs", "relativeCreated", "thread", "threadName",
    "processName", "process", "aws_request_id", "tenant_id", "_frame_type",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    def __init__(self):
        super().__init__(datefmt="%Y-%m-%dT%H:%M:%S")

    def formatTime(self, record, datefmt=None):
        t = time.gmtime(record.created)
        return time.strftime("%Y-%m-%dT%H:%M:%S", t) + ".%03dZ" % int(record.msecs)

    def format(self, record):
        record.levelno = min(50, max(0, record.levelno)) // 10 * 10
        record.levelname = logging.getLevelName(record.levelno)
        exc = record.exc_info
        result = {
            "timestamp": self.formatTime(record, self.datefmt),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(exc[2]) if exc else None,
            "errorType": exc[0].__name__ if exc else None,
            "errorMessage": str(exc[1]) if exc else None,
            "requestId": getattr(record, "aws_request_id", None),
            "location": "{}:{}:{}".format(record.pathname, record.funcName, record.lineno)
            if exc
            else None,
        }
        if getattr(record, "tenant_id", None) is not None:
            result["tenantId"] = record.tenant_id
        for key, value in record.__dict__.items():
            if key not in _RESERVED_FIELDS and key not in result:
                result[key] = value
        result = {k: v for k, v in result.items() if v is not None}
        return json.dumps(result, ensure_ascii=False, default=str) + "\n"


class StandardLogSink(object):
    """Writes log records to stdout, one record a line."""

    def log(self, msg, frame_type=None):
        # A record is one log event: line breaks inside it become \r, as
        # AWS's platform keeps a record whole. The final newline stays.
        if msg.endswith("\n"):
            msg = msg[:-1].replace("\n", "\r") + "\n"
        sys.stdout.write(msg)

    def log_error(self, message_lines):
        sys.stdout.write(ERROR_LOG_LINE_TERMINATE.join(message_lines) + "\n")


class LambdaLoggerHandler(logging.Handler):
    def __init__(self, log_sink):
        logging.Handler.__init__(self)
        self.log_sink = log_sink

    def emit(self, record):
        try:
            msg = self.format(record)
        except Exception:
            self.handleError(record)
            return
        self.log_sink.log(msg)


class LambdaLoggerFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _GLOBAL_AWS_REQUEST_ID or ""
        record.tenant_id = _GLOBAL_TENANT_ID
        return True


def _setup_logging(log_sink):
    logging.Formatter.converter = time.gmtime
    logger = logging.getLogger()
    handler = LambdaLoggerHandler(log_sink)
    if _LOG_FORMAT_JSON:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                "%Y-%m-%dT%H:%M:%S",
            )
        )
    if _LOG_LEVEL in logging._nameToLevel:
        logger.setLevel(_LOG_LEVEL)
    handler.addFilter(LambdaLoggerFilter())
    logger.addHandler(handler)


class Unbuffered(object):
    """Flushes after every write, so print() output is never held back."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, exc_tb):
        pass

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, msg):
        n = self.stream.write(msg)
        self.stream.flush()
        return n

    def writelines(self, msgs):
        self.stream.writelines(msgs)
        self.stream.flush()


# --- The invoke loop -------------------------------------------------------------


def update_xray_env_variable(xray_trace_id):
    if xray_trace_id is not None:
        os.environ["_X_AMZN_TRACE_ID"] = xray_trace_id
    elif "_X_AMZN_TRACE_ID" in os.environ:
        del os.environ["_X_AMZN_TRACE_ID"]


def handle_event_request(client, request_handler, req, log_sink):
    error_result = None
    xray_fault = None
    try:
        lambda_context = create_lambda_context(
            req.client_context,
            req.cognito_identity,
            req.deadline_time_in_ms,
            req.invoke_id,
            req.invoked_function_arn,
            req.tenant_id,
        )
        event = unmarshal_request(req.event_body, req.content_type)
        response = request_handler(event, lambda_context)
        result, result_content_type = marshal_response(response)
    except FaultException as e:
        xray_fault = make_xray_fault("LambdaValidationError", e.msg, os.getcwd(), [])
        error_result = make_error(e.msg, e.exception_type, e.trace, req.invoke_id)
    except Exception:
        etype, value, tb = sys.exc_info()
        tb_tuples = _user_frames(extract_traceback(tb))
        xray_fault = make_xray_fault(etype.__name__, str(value), os.getcwd(), tb_tuples)
        error_result = make_error(
            str(value), etype.__name__, traceback.format_list(tb_tuples), req.invoke_id
        )

    if error_result is not None:
        log_error(error_result, log_sink)
        client.post_invocation_error(
            req.invoke_id,
            to_json(error_result),
            error_result["errorType"],
            to_json(xray_fault, ensure_ascii=True),
        )
    else:
        client.post_invocation_result(req.invoke_id, result, result_content_type)


def _fix_sys_path(task_root):
    # The function's code comes first, as on AWS; this runtime's own
    # directory is not importable by the function.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, task_root)


def run(handler, client):
    global _GLOBAL_AWS_REQUEST_ID, _GLOBAL_TENANT_ID
    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)
    log_sink = StandardLogSink()
    try:
        _setup_logging(log_sink)
        request_handler = _get_handler(handler)
    except Exception as e:
        if isinstance(e, FaultException):
            error_result = make_error(e.msg, e.exception_type, e.trace)
        else:
            error_result = build_fault_result(sys.exc_info(), None)
        logging.warning(LAMBDA_WARNING)
        log_error(error_result, log_sink)
        client.post_init_error(error_result)
        sys.exit(1)

    while True:
        req = client.wait_next_invocation()
        _GLOBAL_AWS_REQUEST_ID = req.invoke_id
        _GLOBAL_TENANT_ID = req.tenant_id
        update_xray_env_variable(req.x_amzn_trace_id)
        handle_event_request(client, request_handler, req, log_sink)


def main():
    # PYTHONHOME only pins this interpreter's own library (see Env in
    # runtimes.go); the function and its subprocesses do not inherit it.
    if os.environ.get("PYTHONHOME") == sys.base_prefix + ":" + sys.base_exec_prefix:
        del os.environ["PYTHONHOME"]
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    _fix_sys_path(task_root)
    handler = os.environ.get("_HANDLER") or (sys.argv[1] if len(sys.argv) > 1 else "")
    address = os.environ.get("AWS_LAMBDA_RUNTIME_API")
    if not address:
        sys.stderr.write("AWS_LAMBDA_RUNTIME_API is not set\n")
        sys.exit(2)
    run(handler, LambdaRuntimeClient(address))


if __name__ == "__main__":
    main()
