"""The generated reference pages of the docs site (``docs/reference/``), rendered from schema/.

Every page is a template in ``templates/docs/`` fed a view built in this package, one module per page family:
plain dataclasses holding text that is ready to print, so the templates only loop and lay out. Output is
deterministic: no timestamps, fixed orders.
"""

from generator.docs.pages import reference_pages

__all__ = ["reference_pages"]
