# Shared pytest fixtures. The Label Studio server fixture lives in labelstudio_server.py.
from labelstudio_server import label_studio  # noqa: F401
