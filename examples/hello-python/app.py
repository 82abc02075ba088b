"""A Python function for the python3.x runtimes (handler app.handler).

It greets {"name": "..."}; {"fail": true} raises, to show the error shape.
"""
import logging
import os
import platform

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def handler(event, context):
    name = (event or {}).get("name") or "world"
    if (event or {}).get("fail"):
        raise ValueError(f"cannot greet {name}: asked to fail")
    logger.info("greeting %s (request %s)", name, context.aws_request_id)
    greeting = os.environ.get("GREETING", "Hello")
    return {"message": f"{greeting}, {name}!", "runtime": platform.python_version()}
