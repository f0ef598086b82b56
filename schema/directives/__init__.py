"""Directive tables of every server line, one module per line, read from that line's own ``src/config.c``.

Load them through :func:`schema.directives.table.directive_table`: a line's module is imported only when it is
first needed.
"""
