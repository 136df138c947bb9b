"""Cron expressions as seed files write them, turned into APScheduler triggers.

Five fields are standard crontab (minute hour day month weekday). Six fields put seconds
first, as Quartz and Spring do, so that tests can schedule runs seconds apart.
"""

from __future__ import annotations

import re

from apscheduler.triggers.cron import CronTrigger

SHANGHAI = "Asia/Shanghai"
_DOW_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_NAME_NUMBER = {name: n for n, name in enumerate(_DOW_NAMES)}
_DOW_PART = re.compile(r"^(\*|[0-9a-z]{1,3}(?:-[0-9a-z]{1,3})?)(?:/(\d+))?$")


def _day_number(token: str) -> int:
    if token.isdigit():
        number = int(token)
        if number > 7:
            raise ValueError(f"weekday {token} is out of range (0-7, 0 and 7 are Sunday)")
        return number % 7
    if token in _NAME_NUMBER:
        return _NAME_NUMBER[token]
    raise ValueError(f"{token!r} is not a weekday (use 0-7 or sun..sat)")


def _crontab_weekdays(field: str) -> str:
    """Crontab's weekday field as APScheduler weekday names.

    Crontab counts 0 (and 7) as Sunday and APScheduler 3.x counts 0 as Monday, so the field
    is expanded to the days it means, in crontab's own reading, and passed as names.

    >>> _crontab_weekdays("1-5")
    'mon,tue,wed,thu,fri'
    >>> _crontab_weekdays("0-6"), _crontab_weekdays("*")
    ('*', '*')
    >>> _crontab_weekdays("*/2")
    'sun,tue,thu,sat'
    >>> _crontab_weekdays("5-7,mon")
    'sun,mon,fri,sat'
    """
    days: set[int] = set()
    for part in field.lower().split(","):
        m = _DOW_PART.match(part.strip())
        if not m:
            raise ValueError(f"weekday field {field!r}: cannot read {part!r}")
        span, step = m.group(1), int(m.group(2) or 1)
        if step < 1:
            raise ValueError(f"weekday field {field!r}: step must be 1 or more")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            low, high = span.split("-")
            first, last = _day_number(low), _day_number(high)
            if high == "7":
                last = 7  # 5-7 means Friday to Sunday
            if last < first:
                raise ValueError(f"weekday range {span!r} runs backwards")
        else:
            first = last = _day_number(span)
        days.update(d % 7 for d in range(first, last + 1, step))
    if days == set(range(7)):
        return "*"
    return ",".join(_DOW_NAMES[d] for d in sorted(days))


def cron_trigger(expr: str, timezone: str = SHANGHAI) -> CronTrigger:
    """Build a trigger from a 5-field crontab or a 6-field seconds-first expression.

    Raises ValueError with a readable reason when the expression is invalid.

    >>> str(cron_trigger("0 3 * * *"))
    "cron[month='*', day='*', day_of_week='*', hour='3', minute='0', second='0']"
    >>> str(cron_trigger("*/10 * * * * *"))
    "cron[month='*', day='*', day_of_week='*', hour='*', minute='*', second='*/10']"
    """
    fields = expr.split()
    if len(fields) == 5:
        second, (minute, hour, day, month, dow) = "0", fields
    elif len(fields) == 6:
        second, minute, hour, day, month, dow = fields
    else:
        raise ValueError(f"expected 5 fields (or 6 with seconds first), got {len(fields)}")
    return CronTrigger(
        second=second,
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=_crontab_weekdays(dow),
        timezone=timezone,
    )
