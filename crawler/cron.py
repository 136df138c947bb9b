"""Cron expressions as seed files write them, turned into APScheduler triggers.

Five fields are standard crontab (minute hour day month weekday). Six fields put seconds
first, as Quartz and Spring do, so that tests can schedule runs seconds apart.
"""

from __future__ import annotations

import re

from apscheduler.triggers.cron import CronTrigger

SHANGHAI = "Asia/Shanghai"
_DOW_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DOW_NUMBER = re.compile(r"(?<![A-Za-z/])([0-7])(?![0-9])")


def _crontab_weekdays(field: str) -> str:
    """Rewrite crontab weekday numbers (0 and 7 are Sunday) as names.

    APScheduler 3.x counts 0 as Monday, so numbers must not reach it.

    >>> _crontab_weekdays("1-5")
    'mon-fri'
    >>> _crontab_weekdays("0,6")
    'sun,sat'
    >>> _crontab_weekdays("*/2")
    '*/2'
    """
    return _DOW_NUMBER.sub(lambda m: _DOW_NAMES[int(m.group(1))], field)


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
