"""Redis 8.4 directives: no tag or source release of this line was at hand here.

The line is judged from its two neighbours, both read from source: a name both know is certain; a name only one
of them knows is accepted (the line may or may not have it) and listed as uncertain. Arity and aliases are the
newer neighbour's.
"""

BETWEEN: tuple[str, str] = ("redis_8_2", "redis_8_6")
