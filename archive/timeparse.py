"""Times and dates as users type them, and as the archive shows them.

Storage is UTC. Users think in Asia/Shanghai time: a value without an offset is read as
Shanghai time, and times are shown with their +08:00 offset.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from archive.errors import BadQuery

SHANGHAI = ZoneInfo("Asia/Shanghai")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FRACTION = re.compile(r"\d{2}:\d{2}:\d{2}[.,]\d")


def parse_date(value: str, option: str) -> dt.date:
    """A YYYY-MM-DD date, or BadQuery naming the option.

    >>> parse_date("2024-02-02", "--published-from")
    datetime.date(2024, 2, 2)
    >>> parse_date("2024-13-01", "--published-from")
    Traceback (most recent call last):
    archive.errors.BadQuery: --published-from: '2024-13-01' is not a date (use YYYY-MM-DD)
    """
    try:
        if not _DATE_ONLY.match(value.strip()):
            raise ValueError
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadQuery(option, f"{value!r} is not a date (use YYYY-MM-DD)") from None


def parse_time(value: str, option: str, *, inclusive: bool = False) -> dt.datetime:
    """An ISO 8601 time as an aware UTC datetime; no offset means Asia/Shanghai.

    With inclusive (upper bounds and --as-of), a time means the end of what it names: a bare
    date its last instant, a time without fractions the end of that second. So a time copied
    from gongkai's output (shown to the second) includes what happened within that second.

    >>> parse_time("2024-02-02T08:00:00", "--as-of").isoformat()
    '2024-02-02T00:00:00+00:00'
    >>> parse_time("2024-02-02T08:00:00Z", "--as-of").isoformat()
    '2024-02-02T08:00:00+00:00'
    >>> parse_time("2024-02-02", "--changed-to", inclusive=True).isoformat()
    '2024-02-02T15:59:59.999999+00:00'
    >>> parse_time("2024-02-02T08:00:00+08:00", "--as-of", inclusive=True).isoformat()
    '2024-02-02T00:00:00.999999+00:00'
    """
    text = value.strip()
    try:
        if _DATE_ONLY.match(text):
            day = dt.date.fromisoformat(text)
            parsed = dt.datetime.combine(day, dt.time.max if inclusive else dt.time.min)
        else:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if inclusive and parsed.microsecond == 0 and not _FRACTION.search(text):
                parsed += dt.timedelta(microseconds=999_999)
    except ValueError:
        raise BadQuery(
            option, f"{value!r} is not an ISO 8601 time (e.g. 2024-02-02T08:00:00+08:00)"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed.astimezone(dt.UTC)


def format_time(value: dt.datetime | None) -> str | None:
    """ISO 8601 in Shanghai time with its offset.

    >>> format_time(dt.datetime(2024, 2, 2, 0, 0, tzinfo=dt.UTC))
    '2024-02-02T08:00:00+08:00'
    """
    if value is None:
        return None
    return value.astimezone(SHANGHAI).isoformat(timespec="seconds")


def format_date(value: dt.date | None) -> str | None:
    """YYYY-MM-DD or None."""
    return value.isoformat() if value else None
