def _load():
    raise RuntimeError("config missing")


_load()


def handler(event, context):
    return None
