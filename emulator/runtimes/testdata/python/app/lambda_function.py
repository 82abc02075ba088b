import decimal
import json
import logging
import os
import sys

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def hello(event, context):
    return {"hello": event.get("name"), "python": sys.version_info[:2]}


def context_fields(event, context):
    cc = context.client_context
    return {
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "client_custom": cc.custom if cc else None,
        "client_app_title": cc.client.app_title if cc and cc.client else None,
        "identity_id": context.identity.cognito_identity_id,
        "identity_pool": context.identity.cognito_identity_pool_id,
        "trace_env": os.environ.get("_X_AMZN_TRACE_ID"),
        "cwd": os.getcwd(),
        "sys_path0": sys.path[0],
        "pythonhome": os.environ.get("PYTHONHOME"),
        "stdlib": os.path.dirname(os.__file__),
    }


def fail(event, context):
    helper(event["value"])


def helper(value):
    raise ValueError("bad value: %s" % value)


def logs(event, context):
    print("printed line")
    logger.info("info record %s", "formatted")
    logger.warning("warning record")
    logging.debug("debug is below the level")
    logger.error("two\nlines")
    return "logged"


def not_serialisable(event, context):
    return {"items": {1, 2}}


def decimals(event, context):
    return {"price": decimal.Decimal("12.50"), "ratio": decimal.Decimal("0.1"), "text": "caf\u00e9"}


def raw_bytes(event, context):
    return b"\x00raw"


def slow(event, context):
    import time

    time.sleep(event["ms"] / 1000)
    return "slow"
