""""Did you mean …?" for a misspelt key, section, rule id or kind. Imports only the stdlib."""

from __future__ import annotations

from collections.abc import Iterable


def did_you_mean(word: object, choices: Iterable[str], quote: str = '"{}"') -> str:
    """'; did you mean "host"?' for the closest of choices, or '' when none is close.

    quote shapes the suggestion as the file spells it: '"{}"' for a key, '[{}]' for a TOML section.
    """
    import difflib

    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean {quote.format(close[0])}?" if close else ""
