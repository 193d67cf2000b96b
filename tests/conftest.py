# Shared pytest fixtures, registered once here so that every module shares one instance:
# the Label Studio server (labelstudio_server.py) and the headless Chromium (browser.py).
# A session fixture imported into two test modules would be two fixtures, and a second
# Playwright instance cannot start while the first one runs.
from browser import browser  # noqa: F401
from labelstudio_server import label_studio  # noqa: F401
