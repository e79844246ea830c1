"""Which engine function applies each rule `type` of a profile: one registry, filled beside the code.

Each rule family's module decorates its functions with `@applies("age")`; `derive` calls the
function registered for each type the profile uses, once, with that type's rules in file order.
Imports nothing from the engine (every family module imports it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# rule type (the profile's `type = "..."`) -> fn(run, rules): emits that type's obligations
RULE_TYPES: dict[str, Callable[[Any, list[Any]], None]] = {}


def applies(*types: str) -> Callable[[Callable], Callable]:
    """Register the decorated function fn(run, rules) as the one that applies rules of these types
    (each a profile `type`, e.g. "age"); ValueError when a type already has a function."""

    def register(fn: Callable) -> Callable:
        for rtype in types:
            if rtype in RULE_TYPES:
                raise ValueError(f"rule type {rtype!r} is already applied by {RULE_TYPES[rtype].__qualname__}")
            RULE_TYPES[rtype] = fn
        return fn

    return register
