"""Helpers for the browser tests of the docs site: a Chromium driven over the DevTools pipe, the site built and
served on 127.0.0.1, and a link checker over the built HTML."""
