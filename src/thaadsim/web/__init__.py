"""The local, offline web map (``thaadsim serve``): a Starlette application over the public API.

``web.views`` computes the answers (plain functions, no HTTP); ``web.app`` serves them with
bounded work, the page and its vendored assets (``static/``). See docs/web-api.md.
"""
